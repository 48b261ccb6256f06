using ClinicVetting.Vetting.Cases;

namespace ClinicVetting.Vetting.ReferenceData;

/// <summary>Aliases: the other names licenses are issued under (the name in the country's language, "Israeli Ministry of Health").</summary>
public sealed record RegulatorInput(string Authority, string? Acronym, string? RegistryUrl, string? RegistryApiUrl, string? Notes, string Reason,
    IReadOnlyList<string>? Aliases = null)
{
    public FieldErrors Validate() => new FieldErrors()
        .Required("authority", Authority, 300)
        .Optional("acronym", Acronym, 50)
        .Items("aliases", Aliases, 50, 300)
        .Url("registryUrl", RegistryUrl)
        .Url("registryApiUrl", RegistryApiUrl)
        .Optional("notes", Notes, 2000)
        .Required("reason", Reason, 2000);
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
