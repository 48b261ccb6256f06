using ClinicVetting.Clinics.Claims;

namespace ClinicVetting.Vetting.Cases;

/// <summary>
/// Claims are evidence too: whoever recorded or withdrew a claim on the clinic while its case was open prepared the case.
/// Read from the clinic's stream (the claim events carry no author; the event's user does).
/// </summary>
public static class ClaimChanges
{
    public static async Task<IReadOnlyList<Preparation>> During(IQuerySession session, VettingCase vettingCase, CancellationToken cancellation)
    {
        var clinicStream = await session.Events.FetchStreamAsync(vettingCase.ClinicId, token: cancellation);
        return During(vettingCase.Id, clinicStream.Select(x => (x.Data, x.UserName)));
    }

    /// <summary>The claim changes between the case's opening and its decision on the clinic's stream, with who made each.</summary>
    public static IReadOnlyList<Preparation> During(Guid caseId, IEnumerable<(object Event, string? By)> clinicStream)
    {
        var open = false;
        var changes = new List<Preparation>();
        foreach (var (e, by) in clinicStream)
        {
            switch (e)
            {
                case ClinicVettingCaseOpened opened:
                    open = opened.CaseId == caseId;
                    break;
                case ClinicVettingApproved or ClinicVettingRejected:
                    open = false;
                    break;
                default:
                    if (open && !string.IsNullOrWhiteSpace(by) && What(e) is { } what)
                    {
                        changes.Add(new Preparation(by, $"{what} while the case was open"));
                    }

                    break;
            }
        }

        return changes;
    }

    private static string? What(object e) => e switch
    {
        LicenseClaimed x => $"recorded the license claim {x.License.Number}",
        AccreditationClaimed => "recorded an accreditation claim",
        TherapyClaimed => "recorded a therapy claim",
        TeamMemberClaimed => "recorded a team member claim",
        ProtocolClaimed => "recorded a protocol claim",
        MedicalEvaluationDescribed => "described the medical evaluation",
        AftercareDescribed => "described the aftercare",
        MarketingTextCaptured => "captured a marketing text",
        ClaimWithdrawn => "withdrew a claim",
        _ => null,
    };
}
