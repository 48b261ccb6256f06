using ClinicVetting.Clinics;

namespace ClinicVetting.Ranking;

/// <summary>A paid placement: shown apart from the merit lists, labelled, never moving a clinic's rank.</summary>
public sealed record SponsoredPlacement(Guid PlacementId, Guid ClinicId, string ClinicName, string Label, DateTimeOffset From, DateTimeOffset Until);

public sealed record SponsoredPlacementRecorded(Guid ClinicId, SponsoredPlacement Placement);

public sealed record SponsoredPlacementInput([property: FieldLimit(MaxLength = 200)] string Label, DateTimeOffset From, DateTimeOffset Until)
    : IHasExample<SponsoredPlacementInput>
{
    public static SponsoredPlacementInput Example => new("Sponsored: Bangkok Regenerative Medicine Centre",
        new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 6, 30, 23, 59, 59, TimeSpan.Zero));

    public FieldErrors Validate() => new FieldErrors()
        .WithinLimits(this)
        .Present("label", Label)
        .When(Until <= From, "until", "must be after from");
}

public sealed record RecordSponsoredPlacement(Guid ClinicId, SponsoredPlacementInput Placement);

public static class RecordSponsoredPlacementEndpoint
{
    public static ProblemDetails Validate(SponsoredPlacementInput placement) => placement.Validate().ToProblem();

    /// <summary>Record a paid placement: shown beside the lists as "Sponsored", never changing anyone's rank.</summary>
    [WolverinePost("/api/clinics/{clinicId}/sponsored-placements", OperationId = "RecordSponsoredPlacement"), Authorize(Policy = Policies.Approver)]
    [Tags("Ranking")]
    public static Task<SponsoredPlacement> Post(Guid clinicId, SponsoredPlacementInput placement, IMessageBus bus) =>
        bus.InvokeAsync<SponsoredPlacement>(new RecordSponsoredPlacement(clinicId, placement));
}

public static class RecordSponsoredPlacementHandler
{
    public static async Task<SponsoredPlacement> Handle(RecordSponsoredPlacement command, IDocumentSession session, CancellationToken cancellation)
    {
        var (stream, clinic) = await session.Events.FetchExisting<ClinicProfile>(command.ClinicId, "Clinic", cancellation);
        var placement = new SponsoredPlacement(Guid.CreateVersion7(), clinic.Id, clinic.Name, command.Placement.Label.Trim(),
            command.Placement.From, command.Placement.Until);
        stream.AppendOne(new SponsoredPlacementRecorded(clinic.Id, placement));
        return placement;
    }
}
