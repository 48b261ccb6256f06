using ClinicVetting.Shared;
using ClinicVetting.Vetting.Cases;
using Marten;
using Wolverine;

namespace ClinicVetting.Clinics.Claims;

/// <summary>The answer of a claim command; <c>unchanged</c> when the claim as sent was already on file and nothing was written.</summary>
public sealed record ClaimRecorded(Guid ClinicId, Guid? ClaimId, long Version, bool Unchanged = false);

/// <summary>
/// The common shape of every claim command: fetch the clinic's claims, decide, append, re-run its vetting; a decision
/// that there is nothing to record writes nothing and sends nothing.
/// </summary>
public static class ClaimRecording
{
    public static async Task<(ClaimRecorded Recorded, OutgoingMessages Messages)> Append(IDocumentSession session, Guid clinicId,
        Func<ClinicClaims, object> decide, CancellationToken cancellation, bool licenseChanged = false)
    {
        var stream = await session.Events.FetchForWriting<ClinicClaims>(clinicId, cancellation);
        var claims = stream.Aggregate ?? throw new NotFound("Clinic", clinicId);
        var @event = decide(claims);
        if (@event is NothingToRecord nothing)
        {
            return (new ClaimRecorded(clinicId, nothing.ClaimId, claims.Version, Unchanged: true), new OutgoingMessages());
        }

        stream.AppendOne(@event);

        var messages = new OutgoingMessages { new ApplyVettingRules(clinicId, ThenLookUpLicense: licenseChanged) };
        return (new ClaimRecorded(clinicId, ClaimIdOf(@event), claims.Version + 1), messages);
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
