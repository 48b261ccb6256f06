namespace ClinicVetting.Clinics.Claims;

/// <summary>The answer of a claim command; <c>unchanged</c> when the claim as sent was already on file and nothing was written.</summary>
public sealed record ClaimOnFile(Guid ClinicId, Guid? ClaimId, long Version, bool Unchanged = false);

/// <summary>What a claim command decides when the claim as sent is the claim on file: nothing is written.</summary>
public sealed record NothingToRecord(Guid? ClaimId);

/// <summary>What a claim's decision may use besides the claims on file: the id a new claim takes, the time, the vocabulary in force.</summary>
public sealed record ClaimContext(Guid NewClaimId, DateTimeOffset Now, IReadOnlyList<Contraindication> Contraindications);

/// <summary>
/// One change to what a clinic claims (each claim endpoint's body, or a withdrawal), deciding itself against the claims on file:
/// an event, or <see cref="NothingToRecord"/> when the claim as sent is already on file (so a resent claim appends nothing).
/// </summary>
public interface IClaimChange
{
    object Decide(ClinicClaims claims, ClaimContext context);

    /// <summary>Whether the decision reads the contraindications of the vetting rules in force (the medical evaluation's does).</summary>
    bool ReadsContraindications => false;
}

/// <summary>
/// Every claim endpoint sends this: fetch the clinic's claims, let the change decide, append, and publish the event appended
/// (through the durable outbox, after the commit) to whichever capability listens; Claims commands nobody. A decision that
/// there is nothing to record writes nothing and publishes nothing.
/// </summary>
public sealed record ChangeClaim(Guid ClinicId, IClaimChange Change)
{
    public static Task<ClaimOnFile> Send(IMessageBus bus, Guid clinicId, IClaimChange change) =>
        bus.InvokeAsync<ClaimOnFile>(new ChangeClaim(clinicId, change));
}

public static class ChangeClaimHandler
{
    public static async Task<(ClaimOnFile, OutgoingMessages)> Handle(ChangeClaim command, IDocumentSession session, IContraindicationCatalog catalog,
        TimeProvider clock, CancellationToken cancellation)
    {
        var (stream, claims) = await session.Events.FetchExisting<ClinicClaims>(command.ClinicId, "Clinic", cancellation);
        var contraindications = command.Change.ReadsContraindications ? await catalog.InForce(session, cancellation) : [];
        var @event = command.Change.Decide(claims, new ClaimContext(Guid.CreateVersion7(), clock.GetUtcNow(), contraindications));
        if (@event is NothingToRecord nothing)
        {
            return (new ClaimOnFile(command.ClinicId, nothing.ClaimId, claims.Version, Unchanged: true), []);
        }

        stream.AppendOne(@event);
        return (new ClaimOnFile(command.ClinicId, ClaimIdOf(@event), claims.Version + 1), [@event]);
    }

    private static Guid? ClaimIdOf(object @event) => @event switch
    {
        LicenseClaimed e => e.License.ClaimId,
        AccreditationClaimed e => e.Accreditation.ClaimId,
        TherapyClaimed e => e.Therapy.ClaimId,
        TeamMemberClaimed e => e.Member.ClaimId,
        ProtocolClaimed e => e.Protocol.ClaimId,
        MarketingTextCaptured e => e.Marketing.ClaimId,
        ClaimWithdrawn e => e.ClaimId,
        _ => null,
    };
}
