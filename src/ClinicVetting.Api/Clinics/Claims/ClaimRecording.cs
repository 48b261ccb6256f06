namespace ClinicVetting.Clinics.Claims;

/// <summary>The answer of a claim command; <c>unchanged</c> when the claim as sent was already on file and nothing was written.</summary>
public sealed record ClaimOnFile(Guid ClinicId, Guid? ClaimId, long Version, bool Unchanged = false);

/// <summary>
/// The common shape of every claim command: fetch the clinic's claims, decide, append, and publish the event appended (through
/// the durable outbox, after the commit) to whichever capability listens; Claims commands nobody. A decision that there is
/// nothing to record writes nothing and publishes nothing.
/// </summary>
public static class ClaimRecording
{
    public static async Task<(ClaimOnFile, OutgoingMessages)> Append(IDocumentSession session, Guid clinicId, Func<ClinicClaims, object> decide,
        CancellationToken cancellation)
    {
        var stream = await session.Events.FetchForWriting<ClinicClaims>(clinicId, cancellation);
        var claims = stream.Aggregate ?? throw new NotFound("Clinic", clinicId);
        var @event = decide(claims);
        if (@event is NothingToRecord nothing)
        {
            return (new ClaimOnFile(clinicId, nothing.ClaimId, claims.Version, Unchanged: true), []);
        }

        stream.AppendOne(@event);
        return (new ClaimOnFile(clinicId, ClaimIdOf(@event), claims.Version + 1), [@event]);
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
