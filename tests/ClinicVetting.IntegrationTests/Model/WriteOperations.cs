using ClinicVetting.Clinics;
using ClinicVetting.Clinics.Claims;
using ClinicVetting.Infrastructure.Auth;
using ClinicVetting.Ranking;
using ClinicVetting.Reviews;
using ClinicVetting.Vetting;
using ClinicVetting.Vetting.Cases;

namespace ClinicVetting.IntegrationTests.Model;

/// <summary>A write the API offers: who may call it, and the events an acknowledged call appends (each exactly once).</summary>
public sealed record WriteOperation(string Name, string[] Roles, params Type[] Writes)
{
    public override string ToString() => Name;
}

public static class WriteOperations
{
    private static readonly string[] StaffWork = [Roles.Staff, Roles.Approver];
    private static readonly string[] Approvers = [Roles.Approver];
    private static readonly string[] BookingSystem = [Roles.Booking];

    public static readonly WriteOperation RegisterClinic = new("register a clinic", StaffWork, typeof(ClinicRegistered));
    public static readonly WriteOperation ClaimLicense = new("claim a license", StaffWork, typeof(LicenseClaimed));
    public static readonly WriteOperation ClaimAccreditation = new("claim an accreditation", StaffWork, typeof(AccreditationClaimed));
    public static readonly WriteOperation ClaimTherapy = new("claim a therapy", StaffWork, typeof(TherapyClaimed));
    public static readonly WriteOperation ClaimTeamMember = new("claim a team member", StaffWork, typeof(TeamMemberClaimed));
    public static readonly WriteOperation ClaimProtocol = new("claim a protocol", StaffWork, typeof(ProtocolClaimed));
    public static readonly WriteOperation DescribeEvaluation = new("describe the medical evaluation", StaffWork, typeof(MedicalEvaluationDescribed));
    public static readonly WriteOperation DescribeAftercare = new("describe aftercare", StaffWork, typeof(AftercareDescribed));
    public static readonly WriteOperation CaptureMarketing = new("capture marketing text", StaffWork, typeof(MarketingTextCaptured));
    public static readonly WriteOperation WithdrawClaim = new("withdraw a claim", StaffWork, typeof(ClaimWithdrawn));
    public static readonly WriteOperation OpenCase = new("open a case", StaffWork, typeof(VettingCaseOpened), typeof(ClinicVettingCaseOpened));
    public static readonly WriteOperation RecordEvidence = new("record evidence", StaffWork, typeof(EvidenceRecorded));
    public static readonly WriteOperation Waive = new("waive a check", Approvers, typeof(CheckWaived));
    public static readonly WriteOperation RaiseFlag = new("raise a red flag", StaffWork, typeof(RedFlagRaised));
    public static readonly WriteOperation ClearFlag = new("clear a red flag", StaffWork, typeof(RedFlagCleared));
    public static readonly WriteOperation ApproveCase = new("approve a case", Approvers, typeof(VettingCaseApproved), typeof(ClinicVettingApproved));
    public static readonly WriteOperation RejectCase = new("reject a case", Approvers, typeof(VettingCaseRejected), typeof(ClinicVettingRejected));
    public static readonly WriteOperation SubmitReview = new("submit a review", BookingSystem, typeof(ReviewSubmitted));
    public static readonly WriteOperation PublishReview = new("publish a review", StaffWork, typeof(ReviewPublished));
    public static readonly WriteOperation RejectReview = new("reject a review", StaffWork, typeof(ReviewRejected));
    public static readonly WriteOperation RestoreReview = new("restore a review", StaffWork, typeof(ReviewRestored));
    public static readonly WriteOperation Propose = new("propose a ranking", StaffWork, typeof(RankingProposed));
    public static readonly WriteOperation ApproveProposal = new("approve a ranking proposal", Approvers, typeof(RankingProposalApproved),
        typeof(RankingEditionPublished));
    public static readonly WriteOperation DeclineProposal = new("decline a ranking proposal", Approvers, typeof(RankingProposalDeclined));

    /// <summary>Any write, sent a body that is not an object: whatever it is, it must be refused and write nothing.</summary>
    public static readonly WriteOperation Unshaped = new("a write with a body that is not an object", Roles.All);
}
