namespace ClinicVetting.Clinics.Claims;

public sealed record TeamMemberInput(string Name, string Specialty, int YearsOfExperience, IReadOnlyList<string>? Certifications = null,
    IReadOnlyList<string>? Credentials = null)
{
    public FieldErrors Validate() => new FieldErrors()
        .Required("name", Name, 200)
        .Required("specialty", Specialty, 200)
        .Range("yearsOfExperience", YearsOfExperience, 0, 70)
        .Items("certifications", Certifications, 30, 200)
        .Items("credentials", Credentials, 30, 200);
}

public sealed record RecordTeamMember(Guid ClinicId, TeamMemberInput Member);

public static class RecordTeamMemberEndpoint
{
    public static ProblemDetails Validate(TeamMemberInput member) => member.Validate().ToProblem();

    /// <summary>Record a doctor of the medical team: specialty, years, certifications and procedures credentialed for.</summary>
    [WolverinePost("/api/clinics/{clinicId}/claims/team-members", OperationId = "RecordTeamMemberClaim"), Authorize(Policy = Policies.StaffWork)]
    [Tags("Claims")]
    public static Task<ClaimOnFile> Post(Guid clinicId, TeamMemberInput member, IMessageBus bus) =>
        bus.InvokeAsync<ClaimOnFile>(new RecordTeamMember(clinicId, member));
}

public static class RecordTeamMemberHandler
{
    public static Task<(ClaimOnFile, OutgoingMessages)> Handle(RecordTeamMember command, IDocumentSession session, CancellationToken cancellation)
    {
        var input = command.Member;
        return ClaimRecording.Append(session, command.ClinicId, claims => ClaimDecisions.RecordTeamMember(claims,
            new TeamMemberClaim(Guid.CreateVersion7(), input.Name, input.Specialty.Trim(), input.YearsOfExperience,
                input.Certifications ?? [], input.Credentials ?? [])), cancellation);
    }
}
