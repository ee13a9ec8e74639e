%% plumsim_recorder: runs on every node of a `plumsim validate` run and writes
%% that node's events file (OUT/<name>.events, tab-separated, one line per
%% event, written as it happens so that it survives kill -9). See
%% docs/validate.md, "Recordings" (the contract with the C++ side).
%%
%% What it watches, and the Partisan v5.0.3 code it relies on:
%% - Messages arriving at the Plumtree broadcast server, by tracing 'receive'
%%   on the process registered as partisan_plumtree_broadcast. A remote
%%   Plumtree message arrives as {'$gen_cast', Msg}: the sender calls
%%   partisan:cast_message(Peer, partisan_plumtree_broadcast, Msg, Opts)
%%   (partisan_plumtree_broadcast:send/3), which wraps it in '$gen_cast'
%%   (partisan_pluggable_peer_service_manager:cast_message/4) and the
%%   receiving connection process erlang:send/2s it to the registered name
%%   (partisan_peer_service_manager:deliver/2). Msg is one of
%%   {broadcast, Id, Payload, Mod, Round, Root, From}, {i_have, Id, Mod,
%%   Round, Root, From}, {ignored_i_have, ...}, {graft, ...}, {prune, Root,
%%   From} (partisan_plumtree_broadcast:handle_cast/2). A local broadcast is
%%   {'$gen_cast', {broadcast, Id, Payload, Mod}} (broadcast/2). The timers
%%   are the plain messages lazy_tick and exchange_tick (schedule_tick/3).
%% - The heartbeat timer: the message `heartbeat` arriving at the process
%%   registered as partisan_plumtree_backend (schedule_heartbeat/0).
%% - Eager/lazy sets and members: polling sys:get_state/1 of the broadcast
%%   server every ?POLL_MS; field positions of its #state record are below.
%% - Connections: polling partisan_peer_connections:connections/0 and
%%   monitoring every connection process (its 'DOWN' reason is conn_down's).
%%   A connection process exits `normal` both when its socket closed
%%   (partisan_peer_service_client:handle_info/2, ?CLOSED_MSG clause) and
%%   when the peer service stopped it (gen_server:stop/1 in
%%   partisan_hyparview_peer_service_manager:disconnect/1), so the peer
%%   service's process is call-traced on partisan_peer_connections:prune/1
%%   with a node (not a pid: prune(Pid) is the clean-up after an exit): a
%%   `disconnect PEER` line, written before that peer's conn_downs.
-module(plumsim_recorder).

-export([start/2, mark_start/1, attach/0, stop/0]).
-export([init/2]).

-define(NAME, plumsim_recorder).
-define(POLL_MS, 100).        % state poll (fallback) and re-attach
-define(CONN_POLL_MS, 20).    % connection table poll
%% #state{} of partisan_plumtree_broadcast (partisan_plumtree_broadcast.erl,
%% record `state`: node, common_eagers, common_lazys, eager_sets, lazy_sets,
%% mods, exchanges, all_members, lazy_tick_period, exchange_tick_period).
-define(ST_SIZE, 11).
-define(ST_COMMON_EAGERS, 3).
-define(ST_COMMON_LAZYS, 4).
-define(ST_EAGER_SETS, 5).
-define(ST_LAZY_SETS, 6).
-define(ST_ALL_MEMBERS, 9).

-record(rec, {
    fd,                      % the events file (raw, append)
    bcast = undefined,       % traced pid of partisan_plumtree_broadcast
    backend = undefined,     % traced pid of partisan_plumtree_backend
    manager = undefined,     % traced pid of the peer service manager
    off_us = 0,              % os:system_time - erlang:monotonic_time (us)
    eager = #{},             % Root => last written eager peers
    lazy = #{},              % Root => last written lazy peers
    members = undefined,     % last written members
    conns = #{},             % monitor ref => {Pid, Peer, Channel}
    since = 0                % monotonic time (native) of the attach poll
}).

%% ---------------------------------------------------------------------------
%% API (called by plumsim_validate_ctl through erpc)
%% ---------------------------------------------------------------------------

%% Starts the recorder process for this VM, appending to OutDir/<short>.events.
start(OutDir, Name) ->
    Path = filename:join(OutDir, Name ++ ".events"),
    Parent = self(),
    Pid = spawn(fun() -> init(Parent, Path) end),
    receive
        {Pid, ready} -> ok
    after 5000 -> {error, recorder_start_timeout}
    end.

%% Writes the `start INCARNATION` line (just before Partisan is started).
mark_start(Incarnation) ->
    call({line, [<<"start">>, integer_to_binary(Incarnation)]}).

%% Attaches the traces and polls once now (right after Partisan started),
%% instead of waiting for the next poll.
attach() ->
    call(poll).

%% Stops the recorder (closing the file).
stop() ->
    call(stop).

%% Synchronous request to the recorder process.
call(Req) ->
    Ref = make_ref(),
    case whereis(?NAME) of
        undefined -> {error, no_recorder};
        Pid ->
            Pid ! {req, self(), Ref, Req},
            receive {Ref, Reply} -> Reply after 5000 -> {error, timeout} end
    end.

%% ---------------------------------------------------------------------------
%% Process
%% ---------------------------------------------------------------------------

%% Opens the file (raw: every write goes straight to the OS), registers.
init(Parent, Path) ->
    register(?NAME, self()),
    process_flag(priority, high),
    {ok, Fd} = file:open(Path, [append, raw, binary]),
    Parent ! {self(), ready},
    erlang:send_after(?POLL_MS, self(), poll),
    erlang:send_after(?CONN_POLL_MS, self(), conn_poll),
    loop(#rec{fd = Fd, off_us = clock_offset()}).

%% The recorder's receive loop: requests, trace messages, polls, DOWNs.
loop(R) ->
    receive
        {req, From, Ref, stop} ->
            file:close(R#rec.fd),
            From ! {Ref, ok};
        {req, From, Ref, Req} ->
            R1 = request(Req, R),
            From ! {Ref, ok},
            loop(R1);
        {trace_ts, Pid, 'receive', Msg, Ts} ->
            loop(traced(Pid, Msg, Ts, R));
        {trace_ts, Pid, return_from, {_, _, 2}, {noreply, St}, Ts} when Pid =:= R#rec.bcast ->
            loop(returned(St, Ts, R));
        {trace_ts, Pid, call, {partisan_peer_connections, prune, [Node]}, Ts}
          when Pid =:= R#rec.manager ->
            loop(pruned(Node, Ts, R));
        {'DOWN', MRef, process, _Pid, Reason} ->
            loop(conn_down(MRef, Reason, R));
        poll ->
            erlang:send_after(?POLL_MS, self(), poll),
            loop(safe_poll(R));
        conn_poll ->
            erlang:send_after(?CONN_POLL_MS, self(), conn_poll),
            loop(try poll_conns(R) catch _:_ -> R end);
        _ ->
            loop(R)
    end.

%% Handles a request from the API.
request({line, Fields}, R) ->
    write_now(Fields, R),
    R;
request(poll, R) ->
    safe_poll(R).

%% One poll, never crashing the recorder (Partisan may be down or restarting).
safe_poll(R0) ->
    R = R0#rec{off_us = clock_offset()},
    lists:foldl(fun(F, Acc) ->
                        try F(Acc) catch _:_ -> Acc end
                end, R, [fun ensure_traced/1, fun poll_conns/1]).

%% os:system_time - monotonic time, to turn trace timestamps into OS time.
clock_offset() ->
    os:system_time(microsecond) - erlang:monotonic_time(microsecond).

%% ---------------------------------------------------------------------------
%% Tracing
%% ---------------------------------------------------------------------------

%% (Re)attaches the traces to the broadcast server, the backend and the peer
%% service manager whenever their registered pids change (Partisan started
%% or restarted).
ensure_traced(R) ->
    B = trace_if_new(partisan_plumtree_broadcast, R#rec.bcast),
    K = trace_if_new(partisan_plumtree_backend, R#rec.backend),
    M = trace_if_new(partisan_peer_service:manager(), R#rec.manager),
    R1 = R#rec{bcast = B, backend = K, manager = M},
    case B =:= R#rec.bcast of
        true -> R1;
        false -> poll_state(R1#rec{since = erlang:monotonic_time()})
    end.

%% Traces the process registered as Name if it is not Old; returns the pid.
%% The broadcast server is also call-traced: the return value of its
%% handle_cast/2 and handle_info/2 ({noreply, State}) gives the exact
%% instant its eager/lazy sets or members changed.
trace_if_new(Name, Old) ->
    case whereis(Name) of
        undefined -> Old;
        Old -> Old;
        Pid ->
            erlang:trace(Pid, true, receive_flag(Name) ++ [monotonic_timestamp,
                                     {tracer, self()} | call_flags(Name)]),
            Pid
    end.

%% The broadcast server and the backend are traced on what they receive.
receive_flag(Name) when Name =:= partisan_plumtree_broadcast;
                        Name =:= partisan_plumtree_backend ->
    ['receive'];
receive_flag(_) ->
    [].

%% Extra trace flags (and the trace patterns) for the broadcast server and
%% the peer service manager.
call_flags(partisan_plumtree_broadcast = M) ->
    Ms = [{'_', [], [{return_trace}]}],
    erlang:trace_pattern({M, handle_cast, 2}, Ms, [local]),
    erlang:trace_pattern({M, handle_info, 2}, Ms, [local]),
    [call];
call_flags(partisan_plumtree_backend) ->
    [];
call_flags(_PeerServiceManager) ->
    NotAPid = [{['$1'], [{'not', {is_pid, '$1'}}], []}],
    erlang:trace_pattern({partisan_peer_connections, prune, 1}, NotAPid, [global]),
    [call].

%% The peer service pruned Node's connections (its disconnect/1): writes
%% `disconnect PEER` with the trace time of the call.
pruned(Node, Ts, R) ->
    T = erlang:convert_time_unit(Ts, native, microsecond) + R#rec.off_us,
    Name = case Node of #{name := N} -> N; N -> N end,
    write(T, [<<"disconnect">>, short(Name)], R),
    R.

%% After the broadcast server handled a message: writes what changed in its
%% state, stamped with the trace time of the return.
returned(_St, Ts, R) when Ts < R#rec.since ->
    R;  % handled before the attach poll, whose state is newer
returned(St, Ts, R) ->
    T = erlang:convert_time_unit(Ts, native, microsecond) + R#rec.off_us,
    try state_changed(T, St, R) catch _:_ -> R end.

%% Turns one traced message into an events line (or nothing).
traced(Pid, Msg, Ts, R) when Pid =:= R#rec.bcast ->
    T = erlang:convert_time_unit(Ts, native, microsecond) + R#rec.off_us,
    case bcast_fields(Msg) of
        skip -> ok;
        Fields -> write(T, Fields, R)
    end,
    R;
traced(Pid, heartbeat, Ts, R) when Pid =:= R#rec.backend ->
    T = erlang:convert_time_unit(Ts, native, microsecond) + R#rec.off_us,
    write(T, [<<"tick">>, <<"heartbeat">>], R),
    R;
traced(_, _, _, R) ->
    R.

%% The events fields of a message received by partisan_plumtree_broadcast
%% (shapes from partisan_plumtree_broadcast:handle_cast/2, handle_info/2).
bcast_fields({'$gen_cast', {broadcast, Id, _Payload, Mod}}) ->
    [<<"originate">>, handler(Mod), msgid(Mod, Id)];
bcast_fields({'$gen_cast', {broadcast, Id, _Payload, Mod, Round, Root, From}}) ->
    recv(broadcast, From, Mod, Id, Root, Round);
bcast_fields({'$gen_cast', {Kind, Id, Mod, Round, Root, From}})
  when Kind =:= i_have; Kind =:= ignored_i_have; Kind =:= graft ->
    recv(Kind, From, Mod, Id, Root, Round);
bcast_fields({'$gen_cast', {prune, Root, From}}) ->
    [<<"recv">>, <<"prune">>, short(From), <<"-">>, <<"-">>, short(Root), <<"-">>];
bcast_fields(lazy_tick) ->
    [<<"tick">>, <<"lazy">>];
bcast_fields(exchange_tick) ->
    [<<"tick">>, <<"exchange">>];
bcast_fields(_) ->
    skip.

%% The fields of a `recv` line.
recv(Kind, From, Mod, Id, Root, Round) ->
    [<<"recv">>, atom_to_binary(Kind), short(From), handler(Mod), msgid(Mod, Id),
     short(Root), integer_to_binary(Round)].

%% HANDLER text: heartbeat (partisan_plumtree_backend), application
%% (plumsim_app_handler) or the module name.
handler(partisan_plumtree_backend) -> <<"heartbeat">>;
handler(plumsim_app_handler) -> <<"application">>;
handler(Mod) -> atom_to_binary(Mod).

%% MSGID text, the same at every node: hex of phash2({Mod, Id}, 2^32).
msgid(Mod, Id) ->
    iolist_to_binary(io_lib:format("~8.16.0b", [erlang:phash2({Mod, Id}, 1 bsl 32)])).

%% ---------------------------------------------------------------------------
%% Polling the broadcast server's state
%% ---------------------------------------------------------------------------

%% Writes members/eager/lazy lines for the state right after attaching (init
%% sets it); later changes are seen at once through returned/3.
poll_state(R) ->
    St = sys:get_state(partisan_plumtree_broadcast, 1000),
    state_changed(os:system_time(microsecond), St, R).

%% Writes members/eager/lazy lines (time T) for what changed in state St.
state_changed(T, St, R) ->
    ?ST_SIZE = tuple_size(St),
    state = element(1, St),
    Members = element(?ST_ALL_MEMBERS, St),
    R1 = members_changed(T, Members, R),
    Roots = lists:usort(Members ++ maps:keys(element(?ST_EAGER_SETS, St))
                        ++ maps:keys(element(?ST_LAZY_SETS, St))),
    Eager = peer_sets(Roots, element(?ST_EAGER_SETS, St), element(?ST_COMMON_EAGERS, St)),
    Lazy = peer_sets(Roots, element(?ST_LAZY_SETS, St), element(?ST_COMMON_LAZYS, St)),
    R2 = R1#rec{eager = sets_changed(T, <<"eager">>, Eager, R1#rec.eager, R1)},
    R2#rec{lazy = sets_changed(T, <<"lazy">>, Lazy, R2#rec.lazy, R2)}.

%% Root => effective peer set, as partisan_plumtree_broadcast:all_peers/3
%% computes it (the root's own set, else the common set).
peer_sets(Roots, Sets, Common) ->
    maps:from_list([{Root, maps:get(Root, Sets, Common)} || Root <- Roots]).

%% Writes a `members` line if the membership changed.
members_changed(_T, Members, #rec{members = Members} = R) ->
    R;
members_changed(T, Members, R) ->
    write(T, [<<"members">>, peers(Members)], R),
    R#rec{members = Members}.

%% Writes a line per root whose set changed; returns the new Root => set map.
sets_changed(T, Kind, New, Old, R) ->
    maps:foreach(fun(Root, Peers) ->
                         case maps:find(Root, Old) of
                             {ok, Peers} -> ok;
                             _ -> write(T, [Kind, short(Root), peers(Peers)], R)
                         end
                 end, New),
    maps:merge(Old, New).

%% ---------------------------------------------------------------------------
%% Polling connections
%% ---------------------------------------------------------------------------

%% Monitors every new connection process in partisan_peer_connections' table
%% (partisan_peer_connections:connections/0, pid/1, node/1, channel/1).
poll_conns(R) ->
    Known = maps:values(R#rec.conns),
    New = [C || C <- partisan_peer_connections:connections(),
                not lists:keymember(partisan_peer_connections:pid(C), 1, Known)],
    lists:foldl(fun conn_up/2, R, New).

%% Writes conn_up and monitors the connection process.
conn_up(C, R) ->
    Pid = partisan_peer_connections:pid(C),
    Peer = partisan_peer_connections:node(C),
    Chan = partisan_peer_connections:channel(C),
    write_now([<<"conn_up">>, short(Peer), atom_to_binary(Chan)], R),
    MRef = erlang:monitor(process, Pid),
    R#rec{conns = maps:put(MRef, {Pid, Peer, Chan}, R#rec.conns)}.

%% Writes conn_down with the connection process's exit reason.
conn_down(MRef, Reason, R) ->
    case maps:take(MRef, R#rec.conns) of
        {{_Pid, Peer, Chan}, Conns} ->
            write_now([<<"conn_down">>, short(Peer), atom_to_binary(Chan),
                       reason_text(Reason)], R),
            R#rec{conns = Conns};
        error ->
            R
    end.

%% ~0p of the reason, without tabs or newlines, at most 300 characters.
reason_text(Reason) ->
    Text = lists:flatten(io_lib:format("~0P", [Reason, 12])),
    Clean = [case Ch of $\t -> $\s; $\n -> $\s; $\r -> $\s; _ -> Ch end || Ch <- Text],
    unicode:characters_to_binary(lists:sublist(Clean, 300)).

%% ---------------------------------------------------------------------------
%% Writing
%% ---------------------------------------------------------------------------

%% Writes a line stamped with the OS time now.
write_now(Fields, R) ->
    write(os:system_time(microsecond), Fields, R).

%% Writes `T_US<TAB>fields...<NL>` with one raw write.
write(T, Fields, #rec{fd = Fd}) ->
    ok = file:write(Fd, [integer_to_binary(T), [[$\t, F] || F <- Fields], $\n]).

%% Node name without the @host part.
short(Node) when is_atom(Node) ->
    hd(binary:split(atom_to_binary(Node), <<"@">>)).

%% Comma-separated short names, `-` when empty.
peers([]) -> <<"-">>;
peers(Nodes) -> iolist_to_binary(lists:join(<<",">>, [short(N) || N <- lists:usort(Nodes)])).
