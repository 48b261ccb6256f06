using ClinicVetting.Clinics.Claims;
using ClinicVetting.Vetting.Cases;
using ClinicVetting.Vetting.Monitoring;
using ClinicVetting.Vetting.ReferenceData;

namespace ClinicVetting.Vetting;

/// <summary>What a claim event changes for vetting: the rules, the license look-up, the validity of a credential.</summary>
internal sealed record ClaimChange(Guid ClinicId, bool LicenseChanged = false, Guid? CredentialId = null, DateOnly? ValidUntil = null);

/// <summary>
/// Vetting hears of every claim recorded on a clinic's stream: the claim's event, published by the registry after it commits
/// (durable outbox, at least once; what follows is idempotent). The rules run again on their sequential queue (and, for a
/// license, the regulator is asked again); a license's or accreditation's validity is watched from now on.
/// </summary>
public static class ReactToClaimsHandler
{
    public static Task<OutgoingMessages> Handle(LicenseClaimed e, IDocumentSession session, TimeProvider clock, CancellationToken cancellation) =>
        Changed(new ClaimChange(e.ClinicId, LicenseChanged: true, e.License.ClaimId, e.License.ValidUntil), session, clock, cancellation);

    public static Task<OutgoingMessages> Handle(AccreditationClaimed e, IDocumentSession session, TimeProvider clock, CancellationToken cancellation) =>
        Changed(new ClaimChange(e.ClinicId, CredentialId: e.Accreditation.ClaimId, ValidUntil: e.Accreditation.ValidUntil), session, clock, cancellation);

    public static OutgoingMessages Handle(TherapyClaimed e, IDocumentSession session) => RunRules(e.ClinicId);

    public static OutgoingMessages Handle(TeamMemberClaimed e, IDocumentSession session) => RunRules(e.ClinicId);

    public static OutgoingMessages Handle(ProtocolClaimed e, IDocumentSession session) => RunRules(e.ClinicId);

    public static OutgoingMessages Handle(MedicalEvaluationDescribed e, IDocumentSession session) => RunRules(e.ClinicId);

    public static OutgoingMessages Handle(AftercareDescribed e, IDocumentSession session) => RunRules(e.ClinicId);

    public static OutgoingMessages Handle(MarketingTextCaptured e, IDocumentSession session) => RunRules(e.ClinicId);

    public static OutgoingMessages Handle(ClaimWithdrawn e, IDocumentSession session) => RunRules(e.ClinicId);

    private static OutgoingMessages RunRules(Guid clinicId) => [new ApplyVettingRules(clinicId)];

    private static async Task<OutgoingMessages> Changed(ClaimChange changed, IDocumentSession session, TimeProvider clock, CancellationToken cancellation)
    {
        var messages = new OutgoingMessages { new ApplyVettingRules(changed.ClinicId, ThenLookUpLicense: changed.LicenseChanged) };
        if (changed is { CredentialId: { } claimId, ValidUntil: { } validUntil })
        {
            var rules = await session.LoadAsync<CurrentVettingRules>(CurrentVettingRules.StreamId, cancellation);
            CredentialMonitoring.AddTo(messages, CredentialMonitoring.Plan(changed.ClinicId, claimId, validUntil,
                (rules?.Rules ?? VettingRuleSet.Default).ExpiryReminderDays, clock.GetUtcNow()));
        }

        return messages;
    }
}
