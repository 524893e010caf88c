using Rtcr.Quotas;

namespace Rtcr.Runtime.Tests;

public sealed class QuotaTests
{
    [Fact]
    public void Withdraw_within_the_limit_consumes_quota()
    {
        var account = new QuotaAccount("acc", ramLimit: 100, capLimit: 10);

        account.Withdraw(QuotaKind.Ram, 60, "me", "alloc");
        account.Withdraw(QuotaKind.Caps, 10, "me", "alloc");

        Assert.Equal(new QuotaSnapshot(100, 60, 10, 10), account.Snapshot());
        Assert.Equal(40, account.Available(QuotaKind.Ram));
        Assert.Equal(0, account.Available(QuotaKind.Caps));
    }

    [Fact]
    public void Withdraw_over_the_limit_names_kind_account_requester_used_and_limit_and_changes_nothing()
    {
        var account = new QuotaAccount("init -> app", ramLimit: 100, capLimit: 10);
        account.Withdraw(QuotaKind.Ram, 70, "app", "first alloc");
        var before = account.Snapshot();

        var ex = Assert.Throws<QuotaExceededException>(() => account.Withdraw(QuotaKind.Ram, 31, "app thread", "RAM alloc"));

        Assert.Equal(QuotaKind.Ram, ex.Kind);
        Assert.Equal("init -> app", ex.Account);
        Assert.Equal("app thread", ex.Requester);
        Assert.Equal(31, ex.Requested);
        Assert.Equal(70, ex.Used);
        Assert.Equal(100, ex.Limit);
        Assert.Contains("ram_quota", ex.Message);
        Assert.Contains("'init -> app'", ex.Message);
        Assert.Contains("'app thread'", ex.Message);
        Assert.Contains("asked for 31", ex.Message);
        Assert.Contains("70 of 100", ex.Message);
        Assert.Contains("30 left", ex.Message);
        Assert.Contains("RAM alloc", ex.Message);
        Assert.Equal(before, account.Snapshot());
    }

    [Fact]
    public void Withdraw_of_exactly_what_is_left_succeeds()
    {
        var account = new QuotaAccount("acc", 100, 1);
        account.Withdraw(QuotaKind.Ram, 100, "me", "op");
        account.Withdraw(QuotaKind.Caps, 1, "me", "op");

        Assert.Equal(0, account.Available(QuotaKind.Ram));
        Assert.Throws<QuotaExceededException>(() => account.Withdraw(QuotaKind.Ram, 1, "me", "op"));
    }

    [Fact]
    public void Cap_quota_exhaustion_reports_cap_quota()
    {
        var account = new QuotaAccount("acc", ramLimit: 1000, capLimit: 2);
        account.Withdraw(QuotaKind.Caps, 2, "me", "op");

        var ex = Assert.Throws<QuotaExceededException>(() => account.Withdraw(QuotaKind.Caps, 1, "me", "alloc_rpc_cap"));

        Assert.Equal(QuotaKind.Caps, ex.Kind);
        Assert.Contains("cap_quota", ex.Message);
        Assert.Equal(new QuotaSnapshot(1000, 0, 2, 2), account.Snapshot());
    }

    [Fact]
    public void Replenish_returns_quota_and_refuses_more_than_is_used()
    {
        var account = new QuotaAccount("acc", 100, 10);
        account.Withdraw(QuotaKind.Ram, 50, "me", "op");

        account.Replenish(QuotaKind.Ram, 20);
        Assert.Equal(30, account.Used(QuotaKind.Ram));

        Assert.Throws<InvalidOperationException>(() => account.Replenish(QuotaKind.Ram, 31));
        Assert.Equal(30, account.Used(QuotaKind.Ram));
    }

    [Fact]
    public void Negative_amounts_are_rejected()
    {
        var account = new QuotaAccount("acc", 100, 10);

        Assert.Throws<ArgumentOutOfRangeException>(() => account.Withdraw(QuotaKind.Ram, -1, "me", "op"));
        Assert.Throws<ArgumentOutOfRangeException>(() => account.Grow(QuotaKind.Ram, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => account.Transfer(new QuotaAccount("b", 0, 0), QuotaKind.Ram, -1, "me"));
        Assert.Equal(new QuotaSnapshot(100, 0, 10, 0), account.Snapshot());
    }

    [Fact]
    public void Grow_raises_the_limit_as_a_session_upgrade()
    {
        var account = new QuotaAccount("acc", 100, 10);

        account.Grow(QuotaKind.Ram, 50);
        account.Grow(QuotaKind.Caps, 5);

        Assert.Equal(new QuotaSnapshot(150, 0, 15, 0), account.Snapshot());
    }

    [Fact]
    public void Transfer_of_unused_quota_moves_the_limit_from_source_to_target()
    {
        var from = new QuotaAccount("parent", 1000, 100);
        var to = new QuotaAccount("child", 0, 0);
        from.Withdraw(QuotaKind.Ram, 400, "parent", "op");

        from.Transfer(to, QuotaKind.Ram, 600, "parent");
        from.Transfer(to, QuotaKind.Caps, 30, "parent");

        Assert.Equal(new QuotaSnapshot(400, 400, 70, 0), from.Snapshot());
        Assert.Equal(new QuotaSnapshot(600, 0, 30, 0), to.Snapshot());
    }

    [Fact]
    public void Transfer_of_more_than_unused_quota_fails_and_leaves_both_accounts_unchanged()
    {
        // Seed bug "attempt to transfer initial quota": quota already in use cannot move.
        var from = new QuotaAccount("parent", 1000, 100);
        var to = new QuotaAccount("child", 50, 5);
        from.Withdraw(QuotaKind.Ram, 400, "parent", "op");
        var fromBefore = from.Snapshot();
        var toBefore = to.Snapshot();

        var ex = Assert.Throws<QuotaExceededException>(() => from.Transfer(to, QuotaKind.Ram, 601, "init"));

        Assert.Equal(QuotaKind.Ram, ex.Kind);
        Assert.Equal("parent", ex.Account);
        Assert.Equal("init", ex.Requester);
        Assert.Equal(601, ex.Requested);
        Assert.Equal(400, ex.Used);
        Assert.Equal(1000, ex.Limit);
        Assert.Contains("transfer_quota to 'child'", ex.Message);
        Assert.Equal(fromBefore, from.Snapshot());
        Assert.Equal(toBefore, to.Snapshot());
    }

    [Fact]
    public void Transfer_of_cap_quota_over_the_unused_part_fails_with_cap_quota_and_changes_nothing()
    {
        // Seed bug "cap limit exceeded during transfer_quota".
        var from = new QuotaAccount("parent", 1000, 10);
        var to = new QuotaAccount("child", 0, 0);
        from.Withdraw(QuotaKind.Caps, 8, "parent", "op");
        var fromBefore = from.Snapshot();

        var ex = Assert.Throws<QuotaExceededException>(() => from.Transfer(to, QuotaKind.Caps, 3, "parent"));

        Assert.Equal(QuotaKind.Caps, ex.Kind);
        Assert.Contains("cap_quota", ex.Message);
        Assert.Equal(8, ex.Used);
        Assert.Equal(10, ex.Limit);
        Assert.Equal(fromBefore, from.Snapshot());
        Assert.Equal(new QuotaSnapshot(0, 0, 0, 0), to.Snapshot());
    }

    [Fact]
    public void Transfer_to_the_same_account_changes_nothing()
    {
        var account = new QuotaAccount("acc", 100, 10);

        account.Transfer(account, QuotaKind.Ram, 50, "me");

        Assert.Equal(new QuotaSnapshot(100, 0, 10, 0), account.Snapshot());
    }

    [Fact]
    public void Shrink_below_the_used_amount_fails()
    {
        var account = new QuotaAccount("acc", 100, 10);
        account.Withdraw(QuotaKind.Ram, 90, "me", "op");

        Assert.Throws<QuotaExceededException>(() => account.Shrink(QuotaKind.Ram, 11, "me", "downgrade"));
        account.Shrink(QuotaKind.Ram, 10, "me", "downgrade");

        Assert.Equal(new QuotaSnapshot(90, 90, 10, 0), account.Snapshot());
    }

    [Fact]
    public void Restore_puts_limits_and_usage_back_exactly()
    {
        var account = new QuotaAccount("acc", 1, 1);
        var snapshot = new QuotaSnapshot(4096, 1024, 20, 3);

        account.Restore(snapshot);

        Assert.Equal(snapshot, account.Snapshot());
        Assert.Equal(3072, account.Available(QuotaKind.Ram));
    }

    [Fact]
    public void Protection_domain_quota_is_created_with_the_given_limits()
    {
        var pd = new Kernel().CreateProtectionDomain("pd", capSlots: 4, ramQuota: 8192, capQuota: 7);

        Assert.Equal(new QuotaSnapshot(8192, 0, 7, 0), pd.Quota.Snapshot());
        Assert.Equal("pd", pd.Quota.Owner);
    }
}
