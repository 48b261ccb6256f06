using ClinicVetting.Shared;

namespace ClinicVetting.Clinics.Claims;

/// <summary>Claims as pure decisions. Recording a license or accreditation again (same issuer and number) renews it.</summary>
public static class ClaimDecisions
{
    public static LicenseClaimed RecordLicense(ClinicClaims claims, LicenseClaim license)
    {
        var same = claims.Licenses.FirstOrDefault(x => Text.Key(x.IssuedBy) == Text.Key(license.IssuedBy) && Text.Key(x.Number) == Text.Key(license.Number));
        return new LicenseClaimed(claims.Id, license with { ClaimId = same?.ClaimId ?? license.ClaimId, IssuedBy = license.IssuedBy.Trim(), Number = license.Number.Trim() });
    }

    public static AccreditationClaimed RecordAccreditation(ClinicClaims claims, AccreditationClaim accreditation)
    {
        var same = claims.Accreditations.FirstOrDefault(x => Text.Key(x.Issuer) == Text.Key(accreditation.Issuer)
                                                             && Text.Key(x.CertificateId) == Text.Key(accreditation.CertificateId));
        return new AccreditationClaimed(claims.Id, accreditation with
        {
            ClaimId = same?.ClaimId ?? accreditation.ClaimId,
            Issuer = accreditation.Issuer.Trim(),
            CertificateId = accreditation.CertificateId.Trim(),
            Scopes = accreditation.Scopes.Select(x => x.Trim()).Where(x => x.Length > 0).ToList(),
        });
    }

    public static TherapyClaimed RecordTherapy(ClinicClaims claims, TherapyClaim therapy)
    {
        var normalized = therapy with { Condition = Conditions.CodeOf(therapy.Condition) };
        var same = claims.Therapies.FirstOrDefault(x => x with { ClaimId = normalized.ClaimId } == normalized);
        return new TherapyClaimed(claims.Id, normalized with { ClaimId = same?.ClaimId ?? normalized.ClaimId });
    }

    public static TeamMemberClaimed RecordTeamMember(ClinicClaims claims, TeamMemberClaim member)
    {
        var same = claims.Team.FirstOrDefault(x => Text.Key(x.Name) == Text.Key(member.Name));
        return new TeamMemberClaimed(claims.Id, member with { ClaimId = same?.ClaimId ?? member.ClaimId, Name = member.Name.Trim() });
    }

    public static ProtocolClaimed RecordProtocol(ClinicClaims claims, ProtocolClaim protocol)
    {
        var same = claims.Protocols.FirstOrDefault(x => Text.Key(x.Program) == Text.Key(protocol.Program));
        return new ProtocolClaimed(claims.Id, protocol with { ClaimId = same?.ClaimId ?? protocol.ClaimId, Program = protocol.Program.Trim() });
    }

    public static ClaimWithdrawn Withdraw(ClinicClaims claims, Guid claimId, string reason) =>
        claims.Holds(claimId)
            ? new ClaimWithdrawn(claims.Id, claimId, reason.Trim())
            : throw new NotFound("Claim", claimId);
}
