%% plumsim_validate_ctl: the controller of `plumsim validate`. It runs a
%% scenario plan on a real Partisan cluster on this machine: one Erlang VM per
%% scenario node (OTP's peer module, 127.0.0.1 only), Partisan configured from
%% the plan, the plan's events applied on time, and run.meta written. The
%% plan, run.meta and the events files are defined in docs/validate.md
%% ("The plan" and "Recordings").
%%
%% Run as:
%%   ERL_EPMD_ADDRESS=127.0.0.1 ERL_EPMD_PORT=<plan epmd_port> \
%%   erl -noshell -name plumsim_ctl@127.0.0.1 -setcookie COOKIE \
%%       -kernel inet_dist_use_interface '{127,0,0,1}' -connect_all false \
%%       -pa RECORDER_EBIN -run plumsim_validate_ctl main PLAN_FILE
%% Exit status 0 on success, 1 on failure. Progress on stdout, errors on stderr.
%%
%% The functions under "Node side" run on the scenario VMs (through erpc).
-module(plumsim_validate_ctl).

-export([main/1]).
%% Node side (called with erpc on the scenario VMs).
-export([node_boot/3, node_start/4, node_leave/0, node_broadcast/1, hb_hook/4]).
%% gen_event callbacks for the SIGTERM handler in erl_signal_server.
-export([init/1, handle_event/2, handle_call/2, handle_info/2, terminate/2]).

-define(PIDS, plumsim_ctl_pids).   % ETS: {Name, OsPid} of every live VM
-define(T0_MARGIN_US, 300000).     % t0 = boot done + this

%% ===========================================================================
%% Entry point
%% ===========================================================================

%% Runs the plan in PlanFile and halts the VM with 0 (ok) or 1 (failure).
main([PlanFile]) ->
    try run(PlanFile) of
        ok ->
            kill_all_vms(),
            erlang:halt(0);
        {error, Text} ->
            err("validate: ~ts", [Text]),
            kill_all_vms(),
            erlang:halt(1)
    catch
        throw:{fatal, Text} -> abort(Text);
        C:R:S -> abort(io_lib:format("crashed: ~p:~p ~p", [C, R, S]))
    end;
main(Args) ->
    err("validate: usage: -run plumsim_validate_ctl main PLAN_FILE (got ~p)", [Args]),
    erlang:halt(1).

%% The whole run: plan, watchdog, boot, events, shutdown, run.meta.
run(PlanFile) ->
    process_flag(trap_exit, true),
    Plan = read_plan(PlanFile),
    ?PIDS = ets:new(?PIDS, [named_table, public, set]),
    Meta = open_meta(Plan),
    start_watchdog(Plan),
    catch_sigterm(),
    Agents = boot_all(Plan, Meta),
    T0 = os:system_time(microsecond) + ?T0_MARGIN_US,
    meta(Meta, ["t0_us", T0]),
    put(t0, T0),
    Errors = run_events(Plan, Agents, T0, Meta),
    Stop = stop_all(Agents, Meta),
    finish(Meta, Errors ++ Stop).

%% Writes end_us and status; returns ok or {error, Text}.
finish(Meta, Errors) ->
    meta(Meta, ["end_us", os:system_time(microsecond)]),
    kill_epmd(),
    case Errors of
        [] ->
            meta(Meta, ["status", "ok"]),
            out("validate: done, status ok"),
            ok;
        [First | _] ->
            meta(Meta, ["status", clean(First)]),
            {error, io_lib:format("~b error(s), first: ~ts", [length(Errors), First])}
    end.

%% ===========================================================================
%% Plan
%% ===========================================================================

%% Reads the plan (file:consult/1) into a map; checks the keys it needs.
read_plan(File) ->
    Terms = case file:consult(File) of
                {ok, T} -> T;
                {error, E} -> fatal("cannot read plan ~ts: ~ts", [File, file:format_error(E)])
            end,
    Plan = maps:from_list([{K, V} || {K, V} <- Terms]),
    Need = [format, out_dir, code_paths, cookie, epmd_port, duration_ms,
            boot_timeout_ms, nodes, partisan, events],
    [fatal("plan has no ~p", [K]) || K <- Need, not maps:is_key(K, Plan)],
    1 = maps:get(format, Plan),
    warn_ephemeral_ports(Plan),
    Plan.

%% Warns (stderr) about peer ports inside Linux's ephemeral port range: an
%% outgoing connection of any VM may take such a port as its source port
%% before the node's Partisan listener binds it (eaddrinuse at start).
warn_ephemeral_ports(Plan) ->
    case file:read_file("/proc/sys/net/ipv4/ip_local_port_range") of
        {ok, Bin} ->
            [Lo, Hi] = [binary_to_integer(X) || X <- string:lexemes(Bin, " \t\n")],
            Bad = [P || #{peer_port := P} <- maps:get(nodes, Plan), P >= Lo, P =< Hi],
            [err("validate: warning: peer ports ~w are in the ephemeral range ~b-~b",
                 [Bad, Lo, Hi]) || Bad =/= []],
            ok;
        _ ->
            ok
    end.

%% The node map of Id in the plan.
node_of(Plan, Id) ->
    case [N || N = #{id := I} <- maps:get(nodes, Plan), I =:= Id] of
        [N] -> N;
        _ -> fatal("no node with id ~p in the plan", [Id])
    end.

%% The Partisan application environment for Node (see partisan_config:init/0
%% for the keys read from the application env; docs/validate.md lists them).
partisan_env(Plan, #{peer_port := Port}) ->
    P = maps:get(partisan, Plan),
    Ping = maps:merge(#{enabled => true}, maps:get(connection_ping, P, #{})),
    Ip = {127, 0, 0, 1},
    membership_env(P) ++
        [{listen_addrs, [#{ip => Ip, port => Port}]},
         {peer_ip, Ip}, {listen_ip, Ip}, {peer_port, Port}, {listen_port, Port},
         {lazy_tick_period, maps:get(lazy_tick_period, P, 1000)},
         {exchange_tick_period, maps:get(exchange_tick_period, P, 10000)},
         {broadcast, maps:get(broadcast, P, true)},
         {broadcast_heartbeat_interval, maps:get(broadcast_heartbeat_interval, P, 10000)},
         {broadcast_mods, [partisan_plumtree_backend, plumsim_app_handler]},
         {connection_ping, Ping},
         {connect_disterl, false}].

%% Peer service manager / membership strategy (and HyParView parameters).
membership_env(#{membership := hyparview} = P) ->
    [{peer_service_manager, partisan_hyparview_peer_service_manager},
     {hyparview, maps:get(hyparview, P, #{})}];
membership_env(_) ->
    [{peer_service_manager, partisan_pluggable_peer_service_manager},
     {membership_strategy, partisan_full_membership_strategy}].

%% ===========================================================================
%% run.meta
%% ===========================================================================

%% Opens OUT/run.meta (raw: each line reaches the OS at once) and writes the
%% header lines.
open_meta(Plan) ->
    Path = filename:join(maps:get(out_dir, Plan), "run.meta"),
    persistent_term:put(plumsim_meta_path, Path),
    Fd = case file:open(Path, [write, raw, binary]) of
             {ok, F} -> F;
             {error, E} -> fatal("cannot write ~ts: ~p", [Path, E])
         end,
    meta(Fd, ["format", 1]),
    meta(Fd, ["otp_release", erlang:system_info(otp_release)]),
    meta(Fd, ["partisan_vsn", partisan_vsn(maps:get(code_paths, Plan))]),
    Fd.

%% Partisan's vsn from the partisan.app found in the plan's code paths.
partisan_vsn(Paths) ->
    Apps = [filename:join(P, "partisan.app") || P <- Paths],
    case [F || F <- Apps, filelib:is_regular(F)] of
        [App | _] ->
            {ok, [{application, partisan, Props}]} = file:consult(App),
            proplists:get_value(vsn, Props);
        [] ->
            fatal("no partisan.app in the plan's code_paths", [])
    end.

%% Writes one tab-separated run.meta line.
meta(Fd, Fields) ->
    Line = lists:join($\t, [field(F) || F <- Fields]),
    ok = file:write(Fd, [unicode:characters_to_binary(Line), $\n]).

%% A run.meta field as text.
field(F) when is_integer(F) -> integer_to_list(F);
field(F) when is_atom(F) -> atom_to_list(F);
field(F) -> F.

%% ===========================================================================
%% Watchdog and signals
%% ===========================================================================

%% Starts the hard deadline: after duration + boot timeout + 30 s it kills
%% every VM and epmd, writes the status and halts with 1.
start_watchdog(Plan) ->
    Ms = maps:get(duration_ms, Plan) + maps:get(boot_timeout_ms, Plan) + 30000,
    spawn(fun() ->
                  timer:sleep(Ms),
                  abort(io_lib:format("hard deadline of ~b ms passed", [Ms]))
          end).

%% Kills everything, records Why as the status and halts with 1. Runs in
%% any process (run.meta is reopened: a raw file belongs to its opener).
abort(Why) ->
    err("validate: ~ts; killing all VMs", [Why]),
    kill_all_vms(),
    kill_epmd(),
    case persistent_term:get(plumsim_meta_path, undefined) of
        undefined -> ok;
        Path ->
            {ok, Fd} = file:open(Path, [append, raw, binary]),
            meta(Fd, ["end_us", os:system_time(microsecond)]),
            meta(Fd, ["status", clean(Why)]),
            file:close(Fd)
    end,
    erlang:halt(1).

%% Makes SIGTERM run abort/1 instead of init:stop/0: a handler in OTP's
%% erl_signal_server (os:set_signal/2).
catch_sigterm() ->
    ok = os:set_signal(sigterm, handle),
    gen_event:add_handler(erl_signal_server, ?MODULE, self()).

%% gen_event init for the SIGTERM handler.
init(Main) -> {ok, Main}.

%% SIGTERM: kill all VMs and epmd, status "SIGTERM", exit 1.
handle_event(sigterm, Main) ->
    abort("SIGTERM"),
    {ok, Main};
handle_event(_, Main) ->
    {ok, Main}.

%% gen_event callbacks (unused).
handle_call(_, S) -> {ok, ok, S}.
handle_info(_, S) -> {ok, S}.
terminate(_, _) -> ok.

%% kill -9 every VM still listed in the pid table.
kill_all_vms() ->
    case ets:info(?PIDS) of
        undefined -> ok;
        _ -> [kill9(OsPid) || {_, OsPid} <- ets:tab2list(?PIDS)], ok
    end.

%% kill -9 one OS pid.
kill9(OsPid) ->
    os:cmd("kill -9 " ++ integer_to_list(OsPid) ++ " 2>/dev/null").

%% Kills the epmd listening on our ERL_EPMD_PORT (found through /proc: its
%% environment or its -port argument), since `epmd -kill` refuses while a
%% node (this one) is registered.
kill_epmd() ->
    case os:getenv("ERL_EPMD_PORT") of
        false -> ok;
        Port -> [kill9(P) || P <- epmd_pids(Port)], ok
    end.

%% OS pids of the epmd processes using Port.
epmd_pids(Port) ->
    Pids = string:tokens(os:cmd("pgrep -x epmd"), "\n"),
    [list_to_integer(P) || P <- Pids, epmd_uses(P, Port)].

%% Whether epmd process P runs on Port.
epmd_uses(P, Port) ->
    Env = read_proc(P, "environ"),
    Cmd = read_proc(P, "cmdline"),
    lists:member("ERL_EPMD_PORT=" ++ Port, Env)
        orelse lists:member(Port, Cmd) andalso lists:member("-port", Cmd).

%% /proc/P/File split on NULs.
read_proc(P, File) ->
    case file:read_file("/proc/" ++ P ++ "/" ++ File) of
        {ok, Bin} -> string:tokens(binary_to_list(Bin), [0]);
        _ -> []
    end.

%% ===========================================================================
%% Booting
%% ===========================================================================

%% Boots one VM per plan node in parallel (one agent process each); returns
%% #{Id => AgentPid}. Fails the run if any boot fails.
boot_all(Plan, Meta) ->
    Start = os:system_time(microsecond),
    Nodes = maps:get(nodes, Plan),
    Self = self(),
    Agents = maps:from_list([{Id, spawn_link(fun() -> agent(Self, Plan, N) end)}
                             || N = #{id := Id} <- Nodes]),
    Deadline = erlang:monotonic_time(millisecond) + maps:get(boot_timeout_ms, Plan),
    wait_booted(maps:size(Agents), Deadline, Meta),
    Secs = (os:system_time(microsecond) - Start) / 1.0e6,
    out("validate: booted ~b VMs in ~.1f s", [maps:size(Agents), Secs]),
    Agents.

%% Waits for N agents to report their first boot.
wait_booted(0, _, _) ->
    ok;
wait_booted(N, Deadline, Meta) ->
    Left = max(0, Deadline - erlang:monotonic_time(millisecond)),
    receive
        {booted, Name, OsPid, Us} ->
            meta(Meta, ["node", Name, OsPid, Us]),
            wait_booted(N - 1, Deadline, Meta);
        {failed, Text} ->
            fatal("boot failed: ~ts", [Text]);
        {'EXIT', _, Reason} when Reason =/= normal ->
            fatal("boot agent died: ~p", [Reason]);
        sigterm ->
            fatal("SIGTERM", [])
    after Left ->
            fatal("boot timeout: ~b VM(s) not up", [N])
    end.

%% Starts a fresh VM for Node with peer (127.0.0.1 only, same cookie, no
%% connect_all, the plan's code paths, one scheduler) and prepares it
%% (node_boot/3). Returns {PeerPid, NodeAtom, OsPid}.
boot_vm(Plan, #{name := NodeName} = N) ->
    [Short, Host] = string:split(atom_to_list(NodeName), "@"),
    Out = maps:get(out_dir, Plan),
    Opts = #{name => Short, host => Host, longnames => true,
             connection => standard_io,
             args => vm_args(Plan, Out, Short),
             env => [{"ERL_EPMD_ADDRESS", "127.0.0.1"},
                     {"ERL_EPMD_PORT", integer_to_list(maps:get(epmd_port, Plan))}],
             wait_boot => maps:get(boot_timeout_ms, Plan)},
    {ok, Peer, Node} = peer:start(Opts),
    OsPid = list_to_integer(erpc:call(Node, os, getpid, [], 10000)),
    true = ets:insert(?PIDS, {Node, OsPid}),
    ok = erpc:call(Node, ?MODULE, node_boot,
                   [Out, Short, maps:get(peer_port, N)], 30000),
    {Peer, Node, OsPid}.

%% Command line arguments of a scenario VM.
vm_args(Plan, Out, Short) ->
    Log = filename:join(Out, Short ++ ".log"),
    Logger = lists:flatten(io_lib:format(
               "[{handler,default,logger_std_h,#{config => #{type => {file,~p}}}}]", [Log])),
    ["-setcookie", atom_to_list(maps:get(cookie, Plan)),
     "-connect_all", "false",
     "-kernel", "inet_dist_use_interface", "{127,0,0,1}",
     "-kernel", "logger", Logger,
     "-kernel", "logger_level", "notice",
     "+S", "1", "+SDcpu", "1", "+SDio", "1", "+A", "1",
     "+sbwt", "none", "+sbwtdcpu", "none", "+sbwtdio", "none"]
        ++ lists:append([["-pa", P] || P <- maps:get(code_paths, Plan)]).

%% ===========================================================================
%% Events
%% ===========================================================================

%% Applies the plan's events on time, then waits until t0 + duration while
%% collecting the agents' reports. Returns the error texts.
run_events(Plan, Agents, T0, Meta) ->
    Events = lists:sort(fun(A, B) -> element(1, A) =< element(1, B) end,
                        maps:get(events, Plan)),
    Errors = lists:foldl(fun(Ev, Acc) -> apply_event(Ev, Events, Agents, T0, Meta, Acc) end,
                         [], Events),
    Errors2 = collect_until(T0 + maps:get(duration_ms, Plan) * 1000, Meta, Errors),
    lists:reverse(Errors2).

%% Waits for the event's instant, then hands it to the node's agent.
apply_event(Ev, Events, Agents, T0, Meta, Errors) ->
    At = element(1, Ev),
    Errors1 = collect_until(T0 + At * 1000, Meta, Errors),
    Id = element(3, Ev),
    case maps:find(Id, Agents) of
        {ok, Agent} -> Agent ! {event, agent_event(Ev, Events)};
        error -> err("validate: event ~p for unknown node ~p", [Ev, Id])
    end,
    Errors1.

%% The message for the agent; a crash says whether a restart follows.
agent_event({At, crash, Id}, Events) ->
    Later = [E || E = {A, restart, I, _} <- Events, I =:= Id, A >= At],
    {At, crash, Id, Later =/= []};
agent_event(Ev, _) ->
    Ev.

%% Handles agent reports until OS time Until (us); returns the error list.
collect_until(Until, Meta, Errors) ->
    Left = (Until - os:system_time(microsecond)) div 1000,
    receive
        Msg -> collect_until(Until, Meta, report(Msg, Meta, Errors))
    after max(0, Left) ->
            case Until - os:system_time(microsecond) of
                D when D > 200 -> busy_wait(Until);
                _ -> ok
            end,
            Errors
    end.

%% Spins out the last sub-millisecond to Until (us).
busy_wait(Until) ->
    case os:system_time(microsecond) >= Until of
        true -> ok;
        false -> busy_wait(Until)
    end.

%% One agent report: run.meta line, progress line, or error.
report({applied, At, Us, What, Name}, Meta, Errors) ->
    meta(Meta, ["applied", At, Us, What, Name]),
    out("t=~.1fs ~s ~s", [At / 1000, What, Name]),
    Errors;
report({booted, Name, OsPid, Us}, Meta, Errors) ->
    meta(Meta, ["node", Name, OsPid, Us]),
    out("validate: rebooted ~s (os pid ~b)", [Name, OsPid]),
    Errors;
report({failed, Text}, _Meta, Errors) ->
    err("validate: ~ts", [Text]),
    [lists:flatten(Text) | Errors];
report({'EXIT', _, Reason}, _Meta, Errors) when Reason =/= normal ->
    Text = lists:flatten(io_lib:format("agent died: ~0p", [Reason])),
    err("validate: ~ts", [Text]),
    [Text | Errors];
report(sigterm, _Meta, _Errors) ->
    fatal("SIGTERM", []);
report(_, _Meta, Errors) ->
    Errors.

%% ===========================================================================
%% Agents: one process per scenario node, in the controller's VM
%% ===========================================================================

-record(ag, {main, plan, node, name, short, peer, vm, ospid, inc = 0, epmd}).

%% An agent: boots its node's VM, then applies that node's events in order.
agent(Main, Plan, N = #{name := Name}) ->
    Short = hd(string:split(atom_to_list(Name), "@")),
    A = #ag{main = Main, plan = Plan, node = N, name = Name, short = Short},
    agent_loop(boot(A, first)).

%% Boots a VM for the agent's node and reports it.
boot(A, _Why) ->
    try boot_vm(A#ag.plan, A#ag.node) of
        {Peer, Vm, OsPid} ->
            A#ag.main ! {booted, A#ag.short, OsPid, os:system_time(microsecond)},
            A#ag{peer = Peer, vm = Vm, ospid = OsPid, inc = A#ag.inc + 1}
    catch
        C:R ->
            A#ag.main ! {failed, io_lib:format("booting ~s: ~0p:~0P", [A#ag.short, C, R, 20])},
            A#ag{peer = undefined, vm = undefined, ospid = undefined}
    end.

%% Receives the node's events and applies them one at a time.
agent_loop(A) ->
    receive
        {event, Ev} -> agent_loop(event(Ev, A));
        {stop, From} -> From ! {stopped, self(), shutdown_vm(A)};
        _ -> agent_loop(A)
    end.

%% Applies one event; reports it (or the error) to the main process.
event(Ev, A) ->
    try do_event(Ev, A)
    catch
        C:R ->
            A#ag.main ! {failed, io_lib:format("~0p on ~s: ~0p:~0P",
                                               [element(2, Ev), A#ag.short, C, R, 25])},
            A
    end.

%% start / restart: Partisan up (node_start/4), join the contact or none.
do_event({At, What, _Id, Contact}, A) when What =:= start; What =:= restart ->
    A1 = ensure_vm(A),
    Join = contact(A1#ag.plan, Contact),
    Env = partisan_env(A1#ag.plan, A1#ag.node),
    {ok, Us} = erpc:call(A1#ag.vm, ?MODULE, node_start, [A1#ag.inc, Env, Join, At], 60000),
    applied(A1, At, Us, What);
%% crash: kill -9 the VM; boot a fresh one at once if a restart follows.
do_event({At, crash, _Id, Reboot}, A) ->
    Us = os:system_time(microsecond),
    kill9(A#ag.ospid),
    ets:delete(?PIDS, A#ag.vm),
    applied(A, At, Us, crash),
    wait_vm_gone(A),
    A1 = A#ag{peer = undefined, vm = undefined, ospid = undefined},
    case Reboot of
        true -> boot(A1, restart);
        false -> A1
    end;
%% leave: partisan_peer_service:leave/0 on the node.
do_event({At, leave, _Id}, A) ->
    {ok, Us} = erpc:call(A#ag.vm, ?MODULE, node_leave, [], 30000),
    applied(A, At, Us, leave);
%% broadcast: an application broadcast through plumsim_app_handler.
do_event({At, broadcast, _Id, Size}, A) ->
    {ok, Us} = erpc:call(A#ag.vm, ?MODULE, node_broadcast, [Size], 30000),
    applied(A, At, Us, broadcast).

%% Reports an applied event; returns the agent state.
applied(A, At, Us, What) ->
    A#ag.main ! {applied, At, Us, What, A#ag.short},
    A.

%% Boots a VM now if the agent has none (e.g. a restart without reboot).
ensure_vm(#ag{vm = undefined} = A) ->
    case boot(A, late) of
        #ag{vm = undefined} -> error(no_vm);
        A1 -> A1
    end;
ensure_vm(A) ->
    A.

%% {ContactNodeName, ContactPeerPort} or none.
contact(_Plan, none) -> none;
contact(Plan, Id) ->
    #{name := Name, peer_port := Port} = node_of(Plan, Id),
    {Name, Port}.

%% Waits (up to 10 s) until the killed VM's peer control process is gone and
%% its name is free in epmd, so that a VM of the same name can boot.
wait_vm_gone(#ag{peer = Peer, short = Short}) ->
    Ref = monitor(process, Peer),
    receive {'DOWN', Ref, process, Peer, _} -> ok after 10000 -> ok end,
    wait_name_free(Short, 100).

%% Polls epmd until Short is no longer registered (at most N * 50 ms).
wait_name_free(_, 0) -> ok;
wait_name_free(Short, N) ->
    {ok, Names} = erl_epmd:names("127.0.0.1"),
    case lists:keymember(Short, 1, Names) of
        true -> timer:sleep(50), wait_name_free(Short, N - 1);
        false -> ok
    end.

%% Stops the agent's VM at the end: peer:stop (halts it), then kill -9.
shutdown_vm(#ag{vm = undefined}) ->
    ok;
shutdown_vm(#ag{peer = Peer, vm = Vm, ospid = OsPid}) ->
    catch erpc:call(Vm, plumsim_recorder, stop, [], 2000),
    catch peer:stop(Peer),
    kill9(OsPid),
    ets:delete(?PIDS, Vm),
    ok.

%% Asks every agent to stop its VM; waits up to 15 s in all.
stop_all(Agents, _Meta) ->
    Pids = maps:values(Agents),
    [P ! {stop, self()} || P <- Pids],
    Deadline = erlang:monotonic_time(millisecond) + 15000,
    Missing = wait_stopped(Pids, Deadline),
    kill_all_vms(),
    [lists:flatten(io_lib:format("~b VM(s) did not stop cleanly", [length(Missing)]))
     || Missing =/= []].

%% Waits for the {stopped, ...} of every agent; returns those missing.
wait_stopped([], _) -> [];
wait_stopped(Pids, Deadline) ->
    Left = max(0, Deadline - erlang:monotonic_time(millisecond)),
    receive
        {stopped, P, _} -> wait_stopped(lists:delete(P, Pids), Deadline)
    after Left -> Pids
    end.

%% ===========================================================================
%% Node side: these run on the scenario VMs (called through erpc)
%% ===========================================================================

%% Prepares a fresh VM: recorder, application store, Partisan's dependencies
%% started and its modules loaded (so that starting Partisan later is quick),
%% and the node's peer port checked.
node_boot(OutDir, Short, PeerPort) ->
    ok = plumsim_recorder:start(OutDir, Short),
    ok = plumsim_app_handler:init_store(),
    ok = application:load(partisan),
    {ok, Deps} = application:get_key(partisan, applications),
    [{ok, _} = application:ensure_all_started(D) || D <- Deps],
    [code:ensure_modules_loaded(Ms) || App <- [partisan | Deps],
                                       {ok, Ms} <- [application:get_key(App, modules)]],
    ok = check_port_free(PeerPort).

%% Fails if PeerPort cannot be bound on 127.0.0.1 now (a quick probe: the
%% socket is closed at once; the port is NOT reserved until Partisan starts,
%% plumsim picks ports below Linux's ephemeral range, 20000..32767).
check_port_free(PeerPort) ->
    case gen_tcp:listen(PeerPort, [{ip, {127, 0, 0, 1}}, {reuseaddr, true}]) of
        {ok, S} -> gen_tcp:close(S);
        {error, E} -> error({peer_port_unusable, PeerPort, E})
    end.

%% Starts Partisan with Env and joins Contact; returns {ok, T_us} where T_us
%% is the OS time at which the start began.
%% broadcast_heartbeat_interval is not among the keys partisan_config:init/0
%% copies from the application env (partisan_config.erl, init/0: "This list
%% should be exhaustive"), and init/0 erases all partisan_config keys first,
%% so it is set from a telemetry handler on [partisan, channel, configured],
%% which partisan_config:set(channels, _) executes inside init/0, before
%% partisan_sup starts partisan_plumtree_backend (partisan_sup:init/1).
node_start(Inc, Env, Contact, _At) ->
    T = os:system_time(microsecond),
    ok = plumsim_recorder:mark_start(Inc),
    [ok = application:set_env(partisan, K, V) || {K, V} <- Env],
    Hb = proplists:get_value(broadcast_heartbeat_interval, Env, 10000),
    _ = telemetry:detach(plumsim_hb),
    ok = telemetry:attach(plumsim_hb, [partisan, channel, configured],
                          fun ?MODULE:hb_hook/4, Hb),
    {ok, _} = application:ensure_all_started(partisan),
    ok = plumsim_recorder:attach(),
    ok = join(Contact),
    {ok, T}.

%% The telemetry handler: partisan_config:set/2 of the heartbeat interval.
hb_hook(_Event, _Measurements, _Meta, Interval) ->
    partisan_config:set(broadcast_heartbeat_interval, Interval).

%% partisan_peer_service:join/1 with the contact's node spec: ours
%% (partisan:node_spec/0, same channels) with its name and listen address.
join(none) ->
    ok;
join({Name, Port}) ->
    Spec = (partisan:node_spec())#{name => Name,
                                   listen_addrs => [#{ip => {127, 0, 0, 1}, port => Port}]},
    partisan_peer_service:join(Spec).

%% partisan_peer_service:leave/0; returns {ok, T_us}.
node_leave() ->
    T = os:system_time(microsecond),
    _ = partisan_peer_service:leave(),
    {ok, T}.

%% An application broadcast of Size bytes; returns {ok, T_us}.
node_broadcast(Size) ->
    T = os:system_time(microsecond),
    _ = plumsim_app_handler:broadcast(Size),
    {ok, T}.

%% ===========================================================================
%% Output helpers
%% ===========================================================================

%% A progress line on stdout.
out(Fmt) -> out(Fmt, []).
out(Fmt, Args) -> io:format(standard_io, Fmt ++ "~n", Args).

%% An error line on stderr.
err(Fmt, Args) -> io:format(standard_error, Fmt ++ "~n", Args).

%% Throws a fatal error with a formatted text.
fatal(Fmt, Args) -> throw({fatal, lists:flatten(io_lib:format(Fmt, Args))}).

%% Text without tabs/newlines (for run.meta).
clean(Text) ->
    [case C of $\t -> $\s; $\n -> $\s; _ -> C end || C <- lists:flatten(Text)].
