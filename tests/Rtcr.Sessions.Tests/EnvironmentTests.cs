using Rtcr.Services;
using Rtcr.Sessions;

namespace Rtcr.Sessions.Tests;

public sealed class EnvironmentTests
{
    [Fact]
    public void Environment_sessions_are_requested_through_the_parents_routing()
    {
        using var h = new Harness();

        var sessions = h.Child.Sessions;

        Assert.Equal(["PD", "RAM", "CPU", "RM"], sessions.Select(s => s.Service));
        Assert.All(sessions, s => Assert.Same(h.Env.Domain, s.Client));
        Assert.All(sessions, s => Assert.Equal(RouteKind.Core, s.Route));
        Assert.Equal([h.Env.Caps.Pd.Index, h.Env.Caps.Ram.Index, h.Env.Caps.Cpu.Index, h.Env.Caps.Rm.Index], sessions.Select(s => s.CapIndex));
    }

    [Fact]
    public void Pd_environment_session_is_created_for_the_childs_own_pd()
    {
        // Seed bug "PD environment session denied": the request must reach the child's own PD.
        using var h = new Harness();

        Assert.Same(h.Env.Domain, h.Env.Pd.Domain());
        Assert.Same(h.Env.Domain.Memory, h.Env.Memory);
    }

    [Fact]
    public void Pd_request_of_a_new_child_reaches_a_local_pd_service_of_the_parent()
    {
        // A parent that intercepts PD sessions (as Rtcr does) must see the request and create the session.
        using var host = TestHosts.New();
        var requests = new List<SessionRequest>();
        host.Parent.AddLocalService(new CoreService("PD", r =>
        {
            requests.Add(r);
            return new PdSessionComponent(r.Client);
        }));

        var child = ChildLauncher.Start(host.Parent, new TestProgram("intercepted"));

        var request = Assert.Single(requests);
        Assert.Same(child.Env.Domain, request.Client);
        Assert.Equal("intercepted", request.Args.Label);
        Assert.Equal(RouteKind.Local, child.Sessions.Single(s => s.Service == "PD").Route);
        Assert.Same(child.Env.Domain, child.Env.Pd.Domain());
    }

    [Fact]
    public void Two_children_get_separate_pds_address_spaces_and_sessions()
    {
        using var host = TestHosts.New();
        var a = ChildLauncher.Start(host.Parent, new TestProgram("a"));
        var b = ChildLauncher.Start(host.Parent, new TestProgram("b"));

        a.Env.AllocAndAttach(4096, 0x1000_0000);
        b.Env.AllocAndAttach(4096, 0x1000_0000);
        a.Env.Memory.Write(0x1000_0000, 1L);
        b.Env.Memory.Write(0x1000_0000, 2L);

        Assert.Equal(1L, a.Env.Memory.Read<long>(0x1000_0000));
        Assert.Equal(2L, b.Env.Memory.Read<long>(0x1000_0000));
        Assert.NotSame(a.Env.Pd.Domain(), b.Env.Pd.Domain());
        Assert.Equal(4, a.Sessions.Count);
        Assert.Equal(4, b.Sessions.Count);
    }

    [Fact]
    public void Session_requested_by_a_component_carries_its_label_and_donated_quota()
    {
        using var h = new Harness();
        var before = h.Env.Domain.Quota.Snapshot();

        h.Env.Session<ILogSession>("LOG", "diag", ramQuota: 4096, capQuota: 2);

        var entry = h.Child.Sessions[^1];
        Assert.Equal("app -> diag", entry.Args.Label);
        Assert.Equal(before.RamUsed + 4096, h.Env.Domain.Quota.Snapshot().RamUsed);
        Assert.Equal(before.CapUsed + 2, h.Env.Domain.Quota.Snapshot().CapUsed);
    }

    [Fact]
    public void Unknown_service_request_of_a_component_lists_the_core_services()
    {
        using var h = new Harness();

        var ex = Assert.Throws<ServiceNotFoundException>(() => h.Env.Session<ILogSession>("Nic"));

        Assert.Contains("CPU, LOG, PD, RAM, RM, ROM, Timer", ex.Message);
    }

    [Fact]
    public void Core_services_are_the_seven_sessions_in_restore_order()
    {
        Assert.Equal(["PD", "RAM", "RM", "CPU", "ROM", "LOG", "Timer"], CoreServices.Names);
        Assert.Equal(CoreServices.Names, CoreServices.Create(new CollectingLogSink(), new RomModules()).Select(s => s.Name));
    }

    [Fact]
    public void Destroying_a_child_stops_its_threads_and_entrypoint_and_forgets_its_sessions()
    {
        using var h = new Harness(register: env => env.Domain.Programs["acc"] = new AccumulatorProgram());
        h.Env.AllocAndAttach(4096, 0x3000_0000);
        var thread = h.Env.Invoke(h.Env.Cpu.CreateThread(h.Env.Caps.Pd, "acc", 0, 1)).Thread();
        thread.Start(0, 0x3000_0000);

        h.Child.Destroy();

        Assert.True(thread.IsFinished);
        Assert.Empty(h.Child.Sessions);
        Assert.Empty(h.Env.Domain.Threads);
    }
}
