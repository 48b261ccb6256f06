using ClinicVetting.Vetting.Cases;

namespace ClinicVetting.Vetting.ReferenceData;

/// <summary>Aliases: the other names licenses are issued under (the name in the country's language, "Israeli Ministry of Health").</summary>
public sealed record RegulatorInput(
    [property: FieldLimit(MaxLength = 300)] string Authority,
    [property: FieldLimit(MaxLength = 50)] string? Acronym,
    string? RegistryUrl,
    string? RegistryApiUrl,
    [property: FieldLimit(MaxLength = 2000)] string? Notes,
    [property: FieldLimit(MaxLength = 2000)] string Reason,
    [property: FieldLimit(MaxItems = 50, EntryMaxLength = 300)] IReadOnlyList<string>? Aliases = null) : IHasExample<RegulatorInput>
{
    public static RegulatorInput Example => new("Medical Council of Thailand", "TMC", "https://www.tmc.or.th/check_prc.php", null,
        "Licences are searchable by number on the council's website", "The council moved its register to a new address",
        ["แพทยสภา", "Thai Medical Council"]);

    public FieldErrors Validate() => new FieldErrors()
        .WithinLimits(this)
        .Present("authority", Authority)
        .Items("aliases", Aliases, 50, 300)
        .Url("registryUrl", RegistryUrl)
        .Url("registryApiUrl", RegistryApiUrl)
        .Present("reason", Reason);
}

public sealed record RecordRegulator(string Country, RegulatorInput Regulator);

public sealed record RegulatorsVersion(long Version);

public static class RecordRegulatorEndpoint
{
    public static ProblemDetails Validate(string country, RegulatorInput regulator) => regulator.Validate()
        .When(!Countries.IsKnown(country), "country", "must be an ISO 3166-1 alpha-2 code")
        .ToProblem();

    /// <summary>
    /// An approver adds or changes the regulator of a country, with the names its licenses are issued under (a new version
    /// of the reference data, with its reason); open cases there are checked again.
    /// </summary>
    [WolverinePut("/api/reference/regulators/{country}", OperationId = "RecordRegulator"), Authorize(Policy = Policies.Approver)]
    [Tags("Reference data")]
    public static Task<RegulatorsVersion> Put(string country, RegulatorInput regulator, IMessageBus bus) =>
        bus.InvokeAsync<RegulatorsVersion>(new RecordRegulator(Countries.Normalize(country), regulator));
}

public static class RecordRegulatorHandler
{
    public static async Task<(RegulatorsVersion, OutgoingMessages)> Handle(RecordRegulator command, IDocumentSession session, IMessageContext context,
        TimeProvider clock, CancellationToken cancellation)
    {
        var stream = await session.Events.FetchForWriting<RegulatorDirectory>(RegulatorDirectory.StreamId, cancellation);
        var recorded = Decide(stream.Aggregate, command.Country, command.Regulator, Actor.Of(context), clock.GetUtcNow());
        var version = new RegulatorsVersion(stream.AppendIfChanged(recorded));
        if (recorded is null)
        {
            return (version, new OutgoingMessages());
        }

        var affected = await session.Query<ClinicStanding>()
            .Where(x => x.Country == command.Country && x.OpenCaseId != null)
            .Select(x => x.Id)
            .ToListAsync(cancellation);
        var messages = new OutgoingMessages();
        foreach (var clinicId in affected)
        {
            messages.Add(new ApplyVettingRules(clinicId, ThenLookUpLicense: true));
        }

        return (version, messages);
    }

    /// <summary>The regulator as sent, trimmed, its aliases once each (any case); null when it is the one on file already.</summary>
    public static RegulatorRecorded? Decide(RegulatorDirectory? directory, string country, RegulatorInput input, string by, DateTimeOffset now)
    {
        var regulator = new Regulator(country, input.Authority.Trim(), input.Acronym?.Trim(),
            input.RegistryUrl?.Trim(), input.RegistryApiUrl?.Trim(), input.Notes?.Trim(),
            input.Aliases is { Count: > 0 } aliases ? aliases.Select(x => x.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToList() : null);
        return directory is not null && Unchanged.Is(directory.For(country), regulator)
            ? null
            : new RegulatorRecorded(regulator, input.Reason.Trim(), by, now);
    }
}
