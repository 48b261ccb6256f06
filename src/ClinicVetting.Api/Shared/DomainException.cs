namespace ClinicVetting.Shared;

/// <summary>
/// A decision refused. Pure decisions throw these; the HTTP layer turns each into an RFC 9457 answer
/// (404, 409, 422) and nothing of the refused command is written.
/// </summary>
public abstract class DomainException(string title, string detail) : Exception(detail)
{
    public string Title { get; } = title;

    /// <summary>Machine-readable extras for the problem details (for example what is missing).</summary>
    public Dictionary<string, object?> Extensions { get; } = new();
}

/// <summary>Nothing has this id; <paramref name="hint"/> may say what would exist (the names of a fixed set).</summary>
public sealed class NotFound(string what, object id, string? hint = null)
    : DomainException($"{what} not found", $"No {what.ToLowerInvariant()} with id '{id}'." + (hint is null ? "" : $" {hint}"));

/// <summary>The request cannot be understood as sent (a 400), beyond what field validation catches.</summary>
public sealed class InvalidRequest(string title, string detail) : DomainException(title, detail);

/// <summary>The command clashes with the current state (a duplicate, a case already open, a stale version).</summary>
public sealed class Conflict(string detail) : DomainException("Conflict", detail)
{
    /// <summary>Refuses a write that expected another version of the stream than the current one (a stale If-Match).</summary>
    public static void ThrowIfStale(string what, long currentVersion, long? expectedVersion)
    {
        if (expectedVersion is { } expected && expected != currentVersion)
        {
            throw new Conflict($"The {what} is at version {currentVersion}, not {expected}: read it again and retry.")
            {
                Extensions = { ["currentVersion"] = currentVersion },
            };
        }
    }
}

/// <summary>The caller is who they say, but their role may not do this to this thing (a 403 that says who may).</summary>
public sealed class Forbidden : DomainException
{
    public Forbidden(string detail, string rule, string whoMayAct) : base("Not allowed for your role", detail)
    {
        Extensions["rule"] = rule;
        Extensions["whoMayAct"] = whoMayAct;
    }
}

/// <summary>The command is well formed but a rule of the domain refuses it; <see cref="Reasons"/> say exactly why.</summary>
public sealed class RuleViolation : DomainException
{
    public RuleViolation(string detail, IReadOnlyList<string>? reasons = null) : base("A rule refused the request", detail)
    {
        Reasons = reasons ?? [];
        if (Reasons.Count > 0)
        {
            Extensions["reasons"] = Reasons;
        }
    }

    public IReadOnlyList<string> Reasons { get; }
}
