namespace Rtcr;

/// <summary>The method upgrades the session's quota: <c>(long ramQuota, long capQuota)</c> is added to the record.</summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class UpgradeAttribute : Attribute;
