namespace ClinicVetting.Clinics.Claims;

public sealed record TeamMemberInput(
    [property: FieldLimit(MaxLength = 200)] string Name,
    [property: FieldLimit(MaxLength = 200)] string Specialty,
    [property: FieldLimit(Minimum = 0, Maximum = 70)] int YearsOfExperience,
    [property: FieldLimit(MaxItems = 30, EntryMaxLength = 200)] IReadOnlyList<string>? Certifications = null,
    [property: FieldLimit(MaxItems = 30, EntryMaxLength = 200)] IReadOnlyList<string>? Credentials = null) : IClaimChange, IHasExample<TeamMemberInput>
{
    public static TeamMemberInput Example => new("Dr. Somchai Wongsawat", "Orthopaedic surgery", 18, ["Thai Board of Orthopaedics"],
        ["intra-articular injection", "bone marrow aspiration"]);

    public FieldErrors Validate() => new FieldErrors()
        .WithinLimits(this)
        .Present("name", Name)
        .Present("specialty", Specialty)
        .Items("certifications", Certifications, 30, 200)
        .Items("credentials", Credentials, 30, 200);

    /// <summary>The same name again replaces the team member on file; exactly as on file, nothing.</summary>
    public object Decide(ClinicClaims claims, ClaimContext context)
    {
        var same = claims.Team.FirstOrDefault(x => Text.Key(x.Name) == Text.Key(Name));
        var next = new TeamMemberClaim(same?.ClaimId ?? context.NewClaimId, Name.Trim(), Specialty.Trim(), YearsOfExperience, Certifications ?? [],
            Credentials ?? []);
        return Unchanged.Is(same, next) ? new NothingToRecord(next.ClaimId) : new TeamMemberClaimed(claims.Id, next);
    }
}

public static class RecordTeamMemberEndpoint
{
    public static ProblemDetails Validate(TeamMemberInput member) => member.Validate().ToProblem();

    /// <summary>Record a doctor of the medical team: specialty, years, certifications and procedures credentialed for.</summary>
    [WolverinePost("/api/clinics/{clinicId}/claims/team-members", OperationId = "RecordTeamMemberClaim"), Authorize(Policy = Policies.StaffWork)]
    [Tags("Claims")]
    public static Task<ClaimOnFile> Post(Guid clinicId, TeamMemberInput member, IMessageBus bus) => ChangeClaim.Send(bus, clinicId, member);
}
