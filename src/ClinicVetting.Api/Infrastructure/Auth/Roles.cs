namespace ClinicVetting.Infrastructure.Auth;

public static class Roles
{
    /// <summary>Vetting staff: register clinics, record claims and evidence, moderate reviews, propose rankings.</summary>
    public const string Staff = "staff";

    /// <summary>Senior staff: everything staff do, plus decisions (never on their own work).</summary>
    public const string Approver = "approver";

    /// <summary>Read everything, replay anything, change nothing.</summary>
    public const string Auditor = "auditor";

    /// <summary>The booking system, a machine client that submits patient reviews.</summary>
    public const string Booking = "booking";

    public static readonly string[] All = [Staff, Approver, Auditor, Booking];
}

/// <summary>Every endpoint names one of these (or is explicitly anonymous); a test enforces it.</summary>
public static class Policies
{
    /// <summary>Staff work: staff and approvers (approvers are senior staff).</summary>
    public const string StaffWork = "staff-work";

    /// <summary>Decisions: approvers only.</summary>
    public const string Approver = "approver";

    /// <summary>Internal reads: staff, approvers and auditors.</summary>
    public const string InternalRead = "internal-read";

    /// <summary>Audit endpoints: auditors (approvers may look too).</summary>
    public const string Audit = "audit";

    /// <summary>The booking system's review submissions.</summary>
    public const string Booking = "booking";

    /// <summary>Efficiency measurements: by staff, or by the booking system that sees the inquiries.</summary>
    public const string EfficiencyFacts = "efficiency-facts";

    public static readonly IReadOnlyDictionary<string, string[]> RolesOf = new Dictionary<string, string[]>
    {
        [StaffWork] = [Roles.Staff, Roles.Approver],
        [Approver] = [Roles.Approver],
        [InternalRead] = [Roles.Staff, Roles.Approver, Roles.Auditor],
        [Audit] = [Roles.Auditor, Roles.Approver],
        [Booking] = [Roles.Booking],
        [EfficiencyFacts] = [Roles.Staff, Roles.Approver, Roles.Booking],
    };
}
