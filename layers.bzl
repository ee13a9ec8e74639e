"""The packages of plumsim and the arrows allowed between them: one table.

docs/architecture.md draws it. Each entry is a package and the packages its
targets may depend on (direct arrows; every package may use //base). The
build enforces it: a package's targets are visible only to the packages
that list it here, plus //cli, //tests and //bench, which may use
anything. An include that points up (a //sim/kernel file including a
//sim/world header) then fails to build, and tests/layering_test.sh checks
every #include against the same table.

To add a package: add its line here, its BUILD file's
package(default_visibility = ["//:<name>_users"]) (the group name is the
path with "/" as "_"), and its place in docs/architecture.md.
"""

LAYERS = {
    "base": [],
    "live": ["base"],
    "protocol": ["base"],
    "sim/kernel": ["base"],
    "sim/output": ["base"],
    "sim/runtime": ["base", "protocol", "sim/kernel"],
    "sim/scenario": ["base", "protocol", "sim/kernel", "sim/runtime"],
    "sim/world": ["base", "protocol", "sim/kernel", "sim/runtime", "sim/scenario"],
    "sim/trace": ["base", "sim/kernel", "sim/scenario", "sim/world"],
    "sim/metrics": ["base", "protocol", "sim/kernel", "sim/runtime", "sim/scenario", "sim/world"],
    "sim/run": ["base", "sim/kernel", "sim/output", "sim/scenario", "sim/world", "sim/trace", "sim/metrics"],
    "sim/study": ["base", "sim/kernel", "sim/output", "sim/scenario"],
    "sim/explore": ["base", "protocol", "sim/kernel", "sim/scenario", "sim/world", "sim/metrics", "sim/run"],
    "sim/compare": ["base", "sim/kernel", "sim/scenario", "sim/world", "sim/trace", "sim/metrics"],
    "sim/report": ["base", "sim/kernel", "sim/output", "sim/scenario", "sim/world", "sim/metrics", "sim/run"],
    "sim/validate": ["base", "live", "protocol", "sim/kernel", "sim/output", "sim/runtime", "sim/scenario", "sim/world", "sim/metrics", "sim/run"],
    "cli": ["*"],
}

# Packages that may use every package above.
UNRESTRICTED = ["cli", "tests", "bench"]

def group_name(package):
    return package.replace("/", "_") + "_users"

def layer_package_groups():
    """One package_group per package: the packages allowed to use it."""
    for package in LAYERS:
        users = [p for p, uses in LAYERS.items() if package in uses and p not in UNRESTRICTED]
        native.package_group(
            name = group_name(package),
            packages = ["//" + u for u in users] + ["//%s/..." % u for u in UNRESTRICTED],
        )
