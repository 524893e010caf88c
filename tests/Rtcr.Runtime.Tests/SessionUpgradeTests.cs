using Rtcr.Capabilities;
using Rtcr.Quotas;
using Rtcr.Services;

namespace Rtcr.Runtime.Tests;

/// <summary>Session upgrades move quota from the client to the session through the parent.</summary>
public sealed class SessionUpgradeTests
{
    private sealed class Upgradable
    {
        public long Ram, Caps;

        public void Upgrade(long ram, long caps)
        {
            Ram += ram;
            Caps += caps;
        }
    }

    private sealed class UpgradableService : IService
    {
        public string Name => "UP";
        public object CreateSession(SessionRequest request) => new Upgradable();
        public void CloseSession(object session) { }
    }

    private static (Kernel Kernel, Parent Parent, ProtectionDomain Client, Cap<Upgradable> Cap) Setup(long ram = 10_000, long caps = 10)
    {
        var kernel = new Kernel();
        var parent = new Parent(kernel, "parent");
        parent.AddCoreService(new UpgradableService());
        var client = kernel.CreateProtectionDomain("client", 16, ram, caps);
        var cap = parent.Session<Upgradable>(client, "UP", new SessionArgs("client", 1_000, 1));
        return (kernel, parent, client, cap);
    }

    [Fact]
    public void Upgrade_takes_quota_from_the_client_and_hands_it_to_the_session()
    {
        var (kernel, parent, client, cap) = Setup();
        using var _ = kernel;
        parent.Upgrade(client, cap, 2_000, 3, (s, ram, caps) => s.Upgrade(ram, caps));
        var session = client.Invoke(cap);
        Assert.Equal((2_000L, 3L), (session.Ram, session.Caps));
        Assert.Equal(3_000, client.Quota.Used(QuotaKind.Ram));
        Assert.Equal(4, client.Quota.Used(QuotaKind.Caps));

        parent.Close(client, cap);
        Assert.Equal(0, client.Quota.Used(QuotaKind.Ram));
        Assert.Equal(0, client.Quota.Used(QuotaKind.Caps));
    }

    [Fact]
    public void Upgrade_beyond_the_clients_quota_fails_and_changes_nothing()
    {
        var (kernel, parent, client, cap) = Setup(ram: 5_000);
        using var _ = kernel;
        var ex = Assert.Throws<QuotaExceededException>(() => parent.Upgrade(client, cap, 4_500, 0, (s, ram, caps) => s.Upgrade(ram, caps)));
        Assert.Equal(QuotaKind.Ram, ex.Kind);
        Assert.Equal("client", ex.Account);
        Assert.Equal(4_000, ex.Limit - ex.Used);
        Assert.Contains("upgrade of session 'UP'", ex.Message);
        Assert.Equal(1_000, client.Quota.Used(QuotaKind.Ram));
        Assert.Equal(0, client.Invoke(cap).Ram);
    }

    [Fact]
    public void Upgrading_something_that_is_not_a_session_is_refused()
    {
        var (kernel, parent, client, _) = Setup();
        using var __ = kernel;
        var other = client.Install(new Upgradable());
        var ex = Assert.Throws<CapabilityException>(() => parent.Upgrade(client, other, 1, 0, (s, ram, caps) => s.Upgrade(ram, caps)));
        Assert.Equal(CapabilityError.WrongType, ex.Error);
    }
}
