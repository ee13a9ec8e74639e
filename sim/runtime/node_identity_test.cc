#include "sim/runtime/node_identity.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace plumsim {
namespace {

PeerSet Sorted(const NodeOrder& order, PeerSet ids) {
  return ordsets::FromList(std::move(ids), order);
}

// Atoms compare by their text: '0' (48) sorts before '@' (64), so
// 'n10@host' < 'n1@host' < 'n2@host'.
TEST(NodeIdentityTest, NamesOrderAsErlangCompareAtoms) {
  std::vector<std::string> names;
  for (NodeId i = 0; i < 12; ++i) names.push_back(DefaultNodeName(i));
  const NodeOrder order = NameOrder(names);
  EXPECT_FALSE(order.identity());
  EXPECT_EQ(Sorted(order, {2, 10, 1, 0, 11, 3}), (PeerSet{0, 10, 11, 1, 2, 3}));
  EXPECT_TRUE(order.Less(10, 1));
  EXPECT_TRUE(order.Less(1, 2));
  // Up to ten nodes, text order is numeric order.
  names.resize(10);
  EXPECT_TRUE(NameOrder(names).identity());
}

// Node specs are maps #{channels, listen_addrs, name}: equal channels, so
// listen addresses decide, then names. Default addresses follow k.
TEST(NodeIdentityTest, SpecsOrderByListenAddressThenName) {
  std::vector<std::string> names;
  std::vector<ListenAddress> addresses;
  for (NodeId i = 0; i < 300; ++i) {
    names.push_back(DefaultNodeName(i));
    addresses.push_back(DefaultListenAddress(i));
  }
  EXPECT_TRUE(SpecOrder(addresses, names).identity());
  EXPECT_EQ(FormatListenAddress(addresses[0]), "10.0.0.1:9090");
  EXPECT_EQ(FormatListenAddress(addresses[255]), "10.0.1.0:9090");
  // n5 moves to the lowest address; n7 shares n3's address: names decide
  // ('n3@host' < 'n7@host').
  addresses[5] = *ParseListenAddress("9.255.0.1:9090");
  addresses[7] = addresses[3];
  const NodeOrder order = SpecOrder(addresses, names);
  EXPECT_EQ(Sorted(order, {0, 3, 5, 7, 8}), (PeerSet{5, 0, 3, 7, 8}));
  // Ports compare after the ip.
  addresses[8] = addresses[3];
  addresses[8].port = 80;
  EXPECT_EQ(Sorted(SpecOrder(addresses, names), {3, 7, 8}), (PeerSet{8, 3, 7}));
}

TEST(NodeIdentityTest, ParsesAndChecks) {
  EXPECT_TRUE(ParseListenAddress("127.0.0.1:9090").has_value());
  EXPECT_FALSE(ParseListenAddress("127.0.0.1").has_value());
  EXPECT_FALSE(ParseListenAddress("127.0.0.256:1").has_value());
  EXPECT_FALSE(ParseListenAddress("1.2.3.4:0").has_value());
  EXPECT_FALSE(ParseListenAddress("1.2.3:80").has_value());
  EXPECT_TRUE(IsValidNodeName("n3@host"));
  EXPECT_TRUE(IsValidNodeName("plum_1@10.0.0.1"));
  EXPECT_FALSE(IsValidNodeName("n3"));
  EXPECT_FALSE(IsValidNodeName("@host"));
  EXPECT_FALSE(IsValidNodeName("a@b@c"));
  EXPECT_FALSE(IsValidNodeName("a b@c"));
}

}  // namespace
}  // namespace plumsim
