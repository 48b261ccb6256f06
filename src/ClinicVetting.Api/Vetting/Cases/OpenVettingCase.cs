using ClinicVetting.Clinics;
using ClinicVetting.Vetting.ReferenceData;

namespace ClinicVetting.Vetting.Cases;

public sealed record OpenCaseInput(Guid ClinicId) : IHasExample<OpenCaseInput>
{
    public static OpenCaseInput Example => new(ExampleWords.ClinicId);
}

public sealed record OpenVettingCase(Guid CaseId, Guid ClinicId);

public sealed record NewVettingCase(Guid Id, Guid ClinicId, CaseOpening Opening) : CreationResponse($"/api/vetting/cases/{Id}");

public static class OpenVettingCaseEndpoint
{
    public static ProblemDetails Validate(OpenCaseInput input) =>
        new FieldErrors().When(input.ClinicId == Guid.Empty, "clinicId", "is required").ToProblem();

    /// <summary>Open a vetting case for a clinic: the nine checks, then the automatic steps run. One open case per clinic.</summary>
    [WolverinePost("/api/vetting/cases", OperationId = "OpenVettingCase"), Authorize(Policy = Policies.StaffWork)]
    [Tags("Vetting")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public static Task<NewVettingCase> Post(OpenCaseInput input, IMessageBus bus) =>
        bus.InvokeAsync<NewVettingCase>(new OpenVettingCase(Guid.CreateVersion7(), input.ClinicId));
}

public static class OpenVettingCaseHandler
{
    public static async Task<(NewVettingCase, OutgoingMessages)> Handle(OpenVettingCase command, IDocumentSession session, IMessageContext context,
        TimeProvider clock, CancellationToken cancellation)
    {
        var (clinicStream, clinic) = await session.Events.FetchExisting<ClinicStanding>(command.ClinicId, "Clinic", cancellation);
        var rules = await session.LoadAsync<CurrentVettingRules>(CurrentVettingRules.StreamId, cancellation) ?? new CurrentVettingRules();

        var (opened, clinicEvent) = Decide(clinic, command.CaseId, rules.Rules, Actor.Of(context), clock.GetUtcNow());
        session.Events.StartStream<VettingCase>(command.CaseId, opened);
        clinicStream.AppendOne(clinicEvent);

        return (new NewVettingCase(command.CaseId, clinic.Id, opened.Opening),
            [new ApplyVettingRules(clinic.Id, ThenLookUpLicense: true)]);
    }

    /// <summary>One open case per clinic; after an approval it re-verifies, after a lapse longer than the grace period it starts over.</summary>
    public static (VettingCaseOpened Case, ClinicVettingCaseOpened Clinic) Decide(ClinicStanding clinic, Guid caseId, VettingRuleSet rules,
        string openedBy, DateTimeOffset now)
    {
        if (clinic.OpenCaseId is { } open)
        {
            throw new Conflict($"{clinic.Name} already has an open vetting case.") { Extensions = { ["caseId"] = open } };
        }

        var opening = clinic.ApprovedCaseId is null ? CaseOpening.Initial
            : clinic.Lapses.Any(x => now - x.LapsedAt > TimeSpan.FromDays(rules.LapseGraceDays)) ? CaseOpening.AfterLapse
            : CaseOpening.Reverification;
        return (new VettingCaseOpened(caseId, clinic.Id, opening, Enum.GetValues<CheckKind>(), openedBy, now),
            new ClinicVettingCaseOpened(clinic.Id, caseId, opening));
    }
}
