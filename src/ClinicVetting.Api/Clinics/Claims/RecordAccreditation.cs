using ClinicVetting.Infrastructure.Auth;
using ClinicVetting.Infrastructure.Http;
using ClinicVetting.Vetting.Monitoring;
using ClinicVetting.Vetting.ReferenceData;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace ClinicVetting.Clinics.Claims;

public sealed record AccreditationInput(string Issuer, string CertificateId, DateOnly ValidFrom, DateOnly ValidUntil,
    IReadOnlyList<string>? Scopes = null)
{
    public FieldErrors Validate() => new FieldErrors()
        .Required("issuer", Issuer, 200)
        .Required("certificateId", CertificateId, 100)
        .When(ValidFrom == default, "validFrom", "is required")
        .When(ValidUntil == default, "validUntil", "is required")
        .When(ValidUntil < ValidFrom, "validUntil", "must not be before validFrom")
        .When(Scopes is { Count: > 20 } || Scopes?.Any(x => x is null || x.Length > 100) == true, "scopes", "at most 20 scopes of 1 to 100 characters");
}

public sealed record RecordAccreditation(Guid ClinicId, AccreditationInput Accreditation);

public static class RecordAccreditationEndpoint
{
    public static ProblemDetails Validate(AccreditationInput accreditation) => accreditation.Validate().ToProblem();

    /// <summary>Record an accreditation the clinic claims (issuer, certificate, validity, scopes such as "surgical").</summary>
    [WolverinePost("/api/clinics/{clinicId}/claims/accreditations", OperationId = "RecordAccreditationClaim"), Authorize(Policy = Policies.StaffWork)]
    [Tags("Claims")]
    public static Task<ClaimRecorded> Post(Guid clinicId, AccreditationInput accreditation, IMessageBus bus) =>
        bus.InvokeAsync<ClaimRecorded>(new RecordAccreditation(clinicId, accreditation));
}

public static class RecordAccreditationHandler
{
    public static async Task<(ClaimRecorded, OutgoingMessages)> Handle(RecordAccreditation command, IDocumentSession session, TimeProvider clock,
        CancellationToken cancellation)
    {
        var input = command.Accreditation;
        var (recorded, messages) = await ClaimRecording.Append(session, command.ClinicId, claims => ClaimDecisions.RecordAccreditation(claims,
            new AccreditationClaim(Guid.CreateVersion7(), input.Issuer, input.CertificateId, input.ValidFrom, input.ValidUntil, input.Scopes ?? [])),
            cancellation);

        if (recorded.Unchanged)
        {
            return (recorded, messages);
        }

        var rules = await session.LoadAsync<CurrentVettingRules>(CurrentVettingRules.StreamId, cancellation);
        CredentialMonitoring.AddTo(messages, CredentialMonitoring.Plan(command.ClinicId, recorded.ClaimId!.Value, input.ValidUntil,
            (rules?.Rules ?? VettingRuleSet.Default).ExpiryReminderDays, clock.GetUtcNow()));
        return (recorded, messages);
    }
}
