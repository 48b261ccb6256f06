
namespace ClinicVetting.Clinics.Claims;

/// <summary>What a claim command decides when the claim as sent is the claim on file: nothing is written.</summary>
public sealed record NothingToRecord(Guid? ClaimId);

/// <summary>
/// Claims as pure decisions. Recording a license or accreditation again (same issuer and number) renews it; a claim
/// exactly as on file records nothing (<see cref="NothingToRecord"/>), so a resent claim appends no second event.
/// </summary>
public static class ClaimDecisions
{
    public static object RecordLicense(ClinicClaims claims, LicenseClaim license)
    {
        var same = claims.Licenses.FirstOrDefault(x => Text.Key(x.IssuedBy) == Text.Key(license.IssuedBy) && Text.Key(x.Number) == Text.Key(license.Number));
        var next = license with { ClaimId = same?.ClaimId ?? license.ClaimId, IssuedBy = license.IssuedBy.Trim(), Number = license.Number.Trim() };
        return Unchanged.Is(same, next) ? new NothingToRecord(next.ClaimId) : new LicenseClaimed(claims.Id, next);
    }

    public static object RecordAccreditation(ClinicClaims claims, AccreditationClaim accreditation)
    {
        var same = claims.Accreditations.FirstOrDefault(x => Text.Key(x.Issuer) == Text.Key(accreditation.Issuer)
                                                             && Text.Key(x.CertificateId) == Text.Key(accreditation.CertificateId));
        var next = accreditation with
        {
            ClaimId = same?.ClaimId ?? accreditation.ClaimId,
            Issuer = accreditation.Issuer.Trim(),
            CertificateId = accreditation.CertificateId.Trim(),
            Scopes = accreditation.Scopes.Select(x => x.Trim()).Where(x => x.Length > 0).ToList(),
        };
        return Unchanged.Is(same, next) ? new NothingToRecord(next.ClaimId) : new AccreditationClaimed(claims.Id, next);
    }

    public static object RecordTherapy(ClinicClaims claims, TherapyClaim therapy)
    {
        var normalized = therapy with { Condition = Conditions.CodeOf(therapy.Condition) };
        var same = claims.Therapies.FirstOrDefault(x => x with { ClaimId = normalized.ClaimId } == normalized);
        return same is not null ? new NothingToRecord(same.ClaimId) : new TherapyClaimed(claims.Id, normalized);
    }

    public static object RecordTeamMember(ClinicClaims claims, TeamMemberClaim member)
    {
        var same = claims.Team.FirstOrDefault(x => Text.Key(x.Name) == Text.Key(member.Name));
        var next = member with { ClaimId = same?.ClaimId ?? member.ClaimId, Name = member.Name.Trim() };
        return Unchanged.Is(same, next) ? new NothingToRecord(next.ClaimId) : new TeamMemberClaimed(claims.Id, next);
    }

    public static object RecordProtocol(ClinicClaims claims, ProtocolClaim protocol)
    {
        var same = claims.Protocols.FirstOrDefault(x => Text.Key(x.Program) == Text.Key(protocol.Program));
        var next = protocol with { ClaimId = same?.ClaimId ?? protocol.ClaimId, Program = protocol.Program.Trim() };
        return Unchanged.Is(same, next) ? new NothingToRecord(next.ClaimId) : new ProtocolClaimed(claims.Id, next);
    }

    /// <summary>A snapshot of the same text from the same page is already on file: its capture time is the first one's.</summary>
    public static object CaptureMarketingText(ClinicClaims claims, MarketingTextClaim marketing)
    {
        var same = claims.Marketing.FirstOrDefault(x => x.SourceUrl == marketing.SourceUrl && x.Text == marketing.Text);
        return same is not null ? new NothingToRecord(same.ClaimId) : new MarketingTextCaptured(claims.Id, marketing);
    }

    /// <summary>
    /// The contraindications are codes of the vetting rules in force (their labels are accepted and stored as codes): a
    /// screening written in other words would later count as missing, so it is refused here with the codes allowed.
    /// </summary>
    public static object DescribeMedicalEvaluation(ClinicClaims claims, MedicalEvaluationInput input, IReadOnlyList<Contraindication> contraindications)
    {
        var errors = new FieldErrors();
        var screened = new List<string>();
        for (var i = 0; i < input.ContraindicationsScreened.Count; i++)
        {
            var given = input.ContraindicationsScreened[i];
            var rule = contraindications.FirstOrDefault(x => x.Code == given.Trim().ToLowerInvariant() || Conditions.Slug(x.Label) == Conditions.Slug(given));
            if (rule is null)
            {
                errors.Add($"contraindicationsScreened[{i}]",
                    $"'{given}' is not a contraindication of the vetting rules: {FieldErrors.OneOf(contraindications.Select(x => x.Code))}");
            }
            else if (!screened.Contains(rule.Code))
            {
                screened.Add(rule.Code);
            }
        }

        errors.ThrowIfAny();
        var next = new MedicalEvaluationClaim(screened, input.RequiresHealthHistory, input.ApprovesBeforeReview, input.Description?.Trim());
        return Unchanged.Is(claims.MedicalEvaluation, next) ? new NothingToRecord(null) : new MedicalEvaluationDescribed(claims.Id, next);
    }

    public static object DescribeAftercare(ClinicClaims claims, AftercareClaim aftercare)
    {
        var next = aftercare with { FollowUp = aftercare.FollowUp.Trim(), ComplicationHandling = aftercare.ComplicationHandling.Trim() };
        return Unchanged.Is(claims.Aftercare, next) ? new NothingToRecord(null) : new AftercareDescribed(claims.Id, next);
    }

    public static object Withdraw(ClinicClaims claims, Guid claimId, string reason) =>
        claims.Holds(claimId)
            ? new ClaimWithdrawn(claims.Id, claimId, reason.Trim())
            : throw new NotFound("Claim", claimId);
}
