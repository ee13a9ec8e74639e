%% plumsim_app_handler: a Plumtree broadcast handler for application
%% broadcasts, with the semantics of plumsim's store handler
%% (protocol/store_handler.h): message ids are {Origin, Epoch, N}; the
%% handler keeps every message it has delivered and answers is_stale and
%% graft from that store; exchange is ignored (no anti-entropy).
%%
%% It implements the callbacks of Partisan's behaviour
%% partisan_plumtree_broadcast_handler (broadcast_data/1, merge/2,
%% is_stale/1, graft/1, exchange/1); partisan_plumtree_broadcast calls them
%% (broadcast/2 calls broadcast_data/1 in the caller; handle_cast/2 calls
%% merge/2, is_stale/1 and graft/1 through partisan_util:safe_apply/4;
%% exchange/3 calls exchange/1). No broadcast_channel/0: Partisan then uses
%% its default channel (partisan_plumtree_broadcast:broadcast_channel/1).
-module(plumsim_app_handler).
-behaviour(partisan_plumtree_broadcast_handler).

-export([init_store/0, broadcast/1, delivered/0]).
-export([broadcast_data/1, merge/2, is_stale/1, graft/1, exchange/1]).

-define(STORE, plumsim_app_store).   % {Id, Payload}; plus {'$epoch', E}, {'$seq', N}
-define(OWNER, plumsim_app_store_owner).

%% Creates the store (a public ETS table owned by a small idle process, so
%% it outlives the caller) with this incarnation's epoch. Idempotent.
init_store() ->
    case whereis(?OWNER) of
        undefined ->
            Parent = self(),
            Pid = spawn(fun() -> own_store(Parent) end),
            receive {Pid, ready} -> ok after 5000 -> {error, store_timeout} end;
        _ ->
            ok
    end.

%% The store owner: creates the table, then waits forever.
own_store(Parent) ->
    register(?OWNER, self()),
    ?STORE = ets:new(?STORE, [named_table, public, set, {read_concurrency, true}]),
    true = ets:insert(?STORE, [{'$epoch', erlang:system_time()}, {'$seq', 0}]),
    Parent ! {self(), ready},
    receive stop -> ok end.

%% Broadcasts one application message of SizeBytes payload from this node
%% (partisan_plumtree_broadcast:broadcast/2). Returns the message id.
broadcast(SizeBytes) ->
    Id = next_id(),
    ok = partisan_plumtree_broadcast:broadcast({plumsim_app, Id, SizeBytes}, ?MODULE),
    Id.

%% The next id {Origin, Epoch, N} of this node.
next_id() ->
    [{_, Epoch}] = ets:lookup(?STORE, '$epoch'),
    N = ets:update_counter(?STORE, '$seq', 1),
    {node(), Epoch, N}.

%% Number of messages in the store (for checks).
delivered() ->
    ets:info(?STORE, size) - 2.

%% broadcast_data callback: {Id, Payload}; the origin stores its own message
%% (it has "delivered" it).
broadcast_data({plumsim_app, Id, SizeBytes}) ->
    Payload = binary:copy(<<0>>, SizeBytes),
    true = ets:insert(?STORE, {Id, Payload}),
    {Id, Payload}.

%% merge callback: a new id is stored and delivered (true), a known one not.
merge(Id, Payload) ->
    ets:insert_new(?STORE, {Id, Payload}).

%% is_stale callback: stale iff the store has the id.
is_stale(Id) ->
    ets:member(?STORE, Id).

%% graft callback: the payload from the store, or not found.
graft(Id) ->
    case ets:lookup(?STORE, Id) of
        [{_, Payload}] -> {ok, Payload};
        [] -> {error, {not_found, Id}}
    end.

%% exchange callback: no anti-entropy.
exchange(_Peer) ->
    ignore.
