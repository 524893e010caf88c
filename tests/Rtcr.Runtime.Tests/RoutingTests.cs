using Rtcr.Capabilities;
using Rtcr.Quotas;
using Rtcr.Services;

namespace Rtcr.Runtime.Tests;

/// <summary>A session object created by <see cref="TestService"/>.</summary>
public sealed class TestSession(TestService server, SessionRequest request) : IEcho
{
    public TestService Server { get; } = server;

    public SessionRequest Request { get; } = request;

    public string Echo(string text) => $"{Server.Owner}:{text}";
}

/// <summary>A service that records what it was asked for and can be made to fail.</summary>
public sealed class TestService(string name, string owner) : IService
{
    public string Name { get; } = name;

    public string Owner { get; } = owner;

    public List<SessionRequest> Requests { get; } = new();

    public List<object> Closed { get; } = new();

    public Exception? FailWith { get; set; }

    public object CreateSession(SessionRequest request)
    {
        Requests.Add(request);
        if (FailWith is not null) throw FailWith;
        return new TestSession(this, request);
    }

    public void CloseSession(object session) => Closed.Add(session);
}

public sealed class RoutingTests
{
    private readonly Kernel _kernel = new();
    private readonly Parent _parent;

    public RoutingTests() => _parent = new Parent(_kernel, "init");

    private ProtectionDomain Client(string label = "app", long ram = 1 << 20, long caps = 100, int slots = 64) =>
        _kernel.CreateProtectionDomain(label, slots, ram, caps);

    [Fact]
    public void Local_service_session_is_created_registered_and_installed_in_the_client_space()
    {
        // Seed bug "missing session creation when using a local service".
        var local = new TestService("Echo", "init");
        _parent.AddLocalService(local);
        var client = Client();

        var cap = _parent.Session<IEcho>(client, "Echo", new SessionArgs("app", 4096, 2));

        var request = Assert.Single(local.Requests);
        Assert.Same(client, request.Client);
        Assert.Equal("app", request.Args.Label);
        var session = Assert.IsType<TestSession>(client.Invoke(cap));
        Assert.Same(local, session.Server);
        Assert.True(_kernel.Objects.TryGet(client.BadgeOf(cap), out var registered));
        Assert.Same(session, registered);
        var entry = Assert.Single(_parent.Sessions);
        Assert.Equal(RouteKind.Local, entry.Route);
        Assert.Equal(cap.Index, entry.CapIndex);
        Assert.Equal(client.BadgeOf(cap), entry.Badge);
        Assert.Same(local, entry.Server);
        Assert.Equal("init:hi", client.Invoke(cap).Echo("hi"));
    }

    [Fact]
    public void Session_request_from_one_child_reaches_the_child_that_announced_the_service()
    {
        // Seed bug "resolve_session_request does not arrive at target child".
        var server = Client("server");
        var serverService = new TestService("Fs", "server");
        _parent.Announce(server.Label, serverService);
        var client = Client("client");

        var cap = _parent.Session<IEcho>(client, "Fs", new SessionArgs("client", 0, 0));

        var request = Assert.Single(serverService.Requests);
        Assert.Same(client, request.Client);
        Assert.Equal("server:x", client.Invoke(cap).Echo("x"));
        var entry = Assert.Single(_parent.SessionsOf(client));
        Assert.Equal(RouteKind.Child, entry.Route);
        Assert.Same(serverService, entry.Server);
        Assert.Empty(_parent.SessionsOf(server));
        Assert.Equal(0, server.Caps.Used);
    }

    [Fact]
    public void Core_service_is_the_fallback_route()
    {
        var core = new TestService("LOG", "core");
        _parent.AddCoreService(core);
        var client = Client();

        var cap = _parent.Session<IEcho>(client, "LOG", new SessionArgs("app", 0, 0));

        Assert.Equal("core:x", client.Invoke(cap).Echo("x"));
        Assert.Equal(RouteKind.Core, Assert.Single(_parent.Sessions).Route);
    }

    [Fact]
    public void Without_a_policy_local_wins_over_child_and_child_over_core()
    {
        var local = new TestService("X", "local");
        var child = new TestService("X", "child");
        var core = new TestService("X", "core");
        _parent.AddCoreService(core);
        _parent.Announce("srv", child);
        var client = Client();

        var viaChild = _parent.Session<IEcho>(client, "X", new SessionArgs("a", 0, 0));
        _parent.AddLocalService(local);
        var viaLocal = _parent.Session<IEcho>(client, "X", new SessionArgs("b", 0, 0));

        Assert.Equal("child:", client.Invoke(viaChild).Echo(""));
        Assert.Equal("local:", client.Invoke(viaLocal).Echo(""));
        Assert.Empty(core.Requests);
    }

    [Theory]
    [InlineData(RouteKind.Local, "local")]
    [InlineData(RouteKind.Child, "child")]
    [InlineData(RouteKind.Core, "core")]
    public void SetRoute_forces_the_route(RouteKind route, string expectedOwner)
    {
        _parent.AddLocalService(new TestService("X", "local"));
        _parent.Announce("srv", new TestService("X", "child"));
        _parent.AddCoreService(new TestService("X", "core"));
        _parent.SetRoute("X", route);
        var client = Client();

        var cap = _parent.Session<IEcho>(client, "X", new SessionArgs("app", 0, 0));

        Assert.Equal($"{expectedOwner}:", client.Invoke(cap).Echo(""));
        Assert.Equal(route, Assert.Single(_parent.Sessions).Route);
    }

    [Fact]
    public void SetRoute_to_a_route_without_the_service_denies_the_request()
    {
        _parent.AddCoreService(new TestService("X", "core"));
        _parent.SetRoute("X", RouteKind.Local);
        var client = Client();

        Assert.Throws<ServiceNotFoundException>(() => _parent.Session<IEcho>(client, "X", new SessionArgs("app", 0, 0)));
        Assert.Empty(_parent.Sessions);
    }

    [Fact]
    public void Unknown_service_throws_ServiceNotFound_listing_the_available_services()
    {
        _parent.AddCoreService(new TestService("LOG", "core"));
        _parent.AddLocalService(new TestService("ROM", "init"));
        _parent.Announce("srv", new TestService("Fs", "srv"));
        var client = Client("app");
        var before = client.Quota.Snapshot();

        var ex = Assert.Throws<ServiceNotFoundException>(() => _parent.Session<IEcho>(client, "Nic", new SessionArgs("app", 100, 1)));

        Assert.Equal("Nic", ex.Service);
        Assert.Equal("app", ex.Requester);
        Assert.Contains("'Nic'", ex.Message);
        Assert.Contains("'init'", ex.Message);
        Assert.Contains("available: Fs, LOG, ROM", ex.Message);
        Assert.Equal(before, client.Quota.Snapshot());
        Assert.Equal(0, client.Caps.Used);
    }

    [Fact]
    public void Session_quota_is_donated_by_the_client()
    {
        _parent.AddCoreService(new TestService("X", "core"));
        var client = Client(ram: 10_000, caps: 10);

        _parent.Session<IEcho>(client, "X", new SessionArgs("app", 4000, 3));

        Assert.Equal(new QuotaSnapshot(10_000, 4000, 10, 3), client.Quota.Snapshot());
    }

    [Fact]
    public void Session_request_over_the_client_ram_quota_fails_and_creates_nothing()
    {
        var core = new TestService("X", "core");
        _parent.AddCoreService(core);
        var client = Client(ram: 1000, caps: 10);

        var ex = Assert.Throws<QuotaExceededException>(() => _parent.Session<IEcho>(client, "X", new SessionArgs("app", 1001, 1)));

        Assert.Equal(QuotaKind.Ram, ex.Kind);
        Assert.Equal("app", ex.Account);
        Assert.Contains("X", ex.Requester);
        Assert.Empty(core.Requests);
        Assert.Empty(_parent.Sessions);
        Assert.Equal(new QuotaSnapshot(1000, 0, 10, 0), client.Quota.Snapshot());
    }

    [Fact]
    public void Session_request_over_the_client_cap_quota_refunds_the_ram_quota()
    {
        var core = new TestService("X", "core");
        _parent.AddCoreService(core);
        var client = Client(ram: 1000, caps: 2);

        var ex = Assert.Throws<QuotaExceededException>(() => _parent.Session<IEcho>(client, "X", new SessionArgs("app", 500, 3)));

        Assert.Equal(QuotaKind.Caps, ex.Kind);
        Assert.Empty(core.Requests);
        Assert.Equal(new QuotaSnapshot(1000, 0, 2, 0), client.Quota.Snapshot());
    }

    [Fact]
    public void Quota_is_refunded_when_the_service_throws()
    {
        var core = new TestService("X", "core") { FailWith = new InvalidOperationException("server out of memory") };
        _parent.AddCoreService(core);
        var client = Client(ram: 1000, caps: 10);

        var ex = Assert.Throws<InvalidOperationException>(() => _parent.Session<IEcho>(client, "X", new SessionArgs("app", 500, 3)));

        Assert.Equal("server out of memory", ex.Message);
        Assert.Single(core.Requests);
        Assert.Empty(_parent.Sessions);
        Assert.Equal(0, client.Caps.Used);
        Assert.Equal(new QuotaSnapshot(1000, 0, 10, 0), client.Quota.Snapshot());
    }

    [Fact]
    public void Session_of_an_unexpected_type_is_refused_and_quota_refunded()
    {
        _parent.AddCoreService(new TestService("X", "core"));
        var client = Client(ram: 1000, caps: 10);

        var ex = Assert.Throws<InvalidOperationException>(() => _parent.Session<ICounter>(client, "X", new SessionArgs("app", 100, 1)));

        Assert.Contains(nameof(ICounter), ex.Message);
        Assert.Empty(_parent.Sessions);
        Assert.Equal(new QuotaSnapshot(1000, 0, 10, 0), client.Quota.Snapshot());
    }

    [Fact]
    public void Session_request_with_a_full_capability_space_leaves_nothing_behind()
    {
        var core = new TestService("X", "core");
        _parent.AddCoreService(core);
        var client = Client(ram: 1000, caps: 10, slots: 1);
        client.Install<IEcho>(new EchoObject());
        int objects = _kernel.Objects.Count;

        var ex = Assert.Throws<CapabilityException>(() => _parent.Session<IEcho>(client, "X", new SessionArgs("app", 100, 1)));

        Assert.Equal(CapabilityError.SpaceExhausted, ex.Error);
        Assert.Empty(_parent.Sessions);
        Assert.Equal(objects, _kernel.Objects.Count);
        Assert.Equal(new QuotaSnapshot(1000, 0, 10, 0), client.Quota.Snapshot());
        Assert.Equal(core.Requests.Count, core.Closed.Count);
    }

    [Fact]
    public void Close_returns_quota_frees_the_capability_and_tells_the_server()
    {
        var core = new TestService("X", "core");
        _parent.AddCoreService(core);
        var client = Client(ram: 1000, caps: 10);
        var cap = _parent.Session<IEcho>(client, "X", new SessionArgs("app", 400, 2));
        var session = client.Invoke(cap);
        long badge = client.BadgeOf(cap);

        _parent.Close(client, cap);

        Assert.Same(session, Assert.Single(core.Closed));
        Assert.Empty(_parent.Sessions);
        Assert.False(_kernel.Objects.TryGet(badge, out _));
        Assert.Equal(CapabilityError.FreeSlot, Assert.Throws<CapabilityException>(() => client.Invoke(cap)).Error);
        Assert.Equal(new QuotaSnapshot(1000, 0, 10, 0), client.Quota.Snapshot());
    }

    [Fact]
    public void Closing_a_capability_that_is_no_session_of_this_parent_is_refused()
    {
        var client = Client();
        var cap = client.Install<IEcho>(new EchoObject());

        var ex = Assert.Throws<CapabilityException>(() => _parent.Close(client, cap));

        Assert.Equal(CapabilityError.WrongType, ex.Error);
        Assert.True(client.IsValid(cap));
    }

    [Fact]
    public void Sessions_are_listed_per_client_in_creation_order()
    {
        _parent.AddCoreService(new TestService("A", "core"));
        _parent.AddCoreService(new TestService("B", "core"));
        var one = Client("one");
        var two = Client("two");

        _parent.Session<IEcho>(one, "A", new SessionArgs("one", 0, 0));
        _parent.Session<IEcho>(two, "A", new SessionArgs("two", 0, 0));
        _parent.Session<IEcho>(one, "B", new SessionArgs("one", 0, 0));

        Assert.Equal(["A", "B"], _parent.SessionsOf(one).Select(s => s.Service));
        Assert.Equal(["A"], _parent.SessionsOf(two).Select(s => s.Service));
        Assert.Equal(3, _parent.Sessions.Count);

        _parent.Forget(one);
        Assert.Empty(_parent.SessionsOf(one));
        Assert.Single(_parent.Sessions);
    }

    [Fact]
    public void Session_args_extras_are_passed_to_the_service_and_compare_by_value()
    {
        var core = new TestService("ROM", "core");
        _parent.AddCoreService(core);
        var client = Client();
        var args = new SessionArgs("app -> config", 0, 0).With("module", "config");

        _parent.Session<IEcho>(client, "ROM", args);

        var received = Assert.Single(core.Requests).Args;
        Assert.Equal("config", received.Get("module"));
        Assert.Null(received.Get("missing"));
        Assert.Equal(new SessionArgs("app -> config", 0, 0).With("module", "config"), received);
        Assert.NotEqual(new SessionArgs("app -> config", 0, 0).With("module", "other"), received);
        Assert.Contains("module=\"config\"", received.ToString());
    }
}
