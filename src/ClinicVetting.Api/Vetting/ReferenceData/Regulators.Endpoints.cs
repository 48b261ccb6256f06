using ClinicVetting.Clinics;
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
        var input = command.Regulator;
        var regulator = new Regulator(command.Country, input.Authority.Trim(), input.Acronym?.Trim(),
            input.RegistryUrl?.Trim(), input.RegistryApiUrl?.Trim(), input.Notes?.Trim(),
            input.Aliases is { Count: > 0 } aliases ? aliases.Select(x => x.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToList() : null);
        if (stream.Aggregate is { } directory && Unchanged.Is(directory.For(command.Country), regulator))
        {
            return (new RegulatorsVersion(directory.Version), new OutgoingMessages());
        }

        stream.AppendOne(new RegulatorRecorded(regulator, input.Reason.Trim(), Actor.Of(context), clock.GetUtcNow()));

        var affected = await session.Query<ClinicStanding>()
            .Where(x => x.Country == command.Country && x.OpenCaseId != null)
            .Select(x => x.Id)
            .ToListAsync(cancellation);
        var messages = new OutgoingMessages();
        foreach (var clinicId in affected)
        {
            messages.Add(new ApplyVettingRules(clinicId, ThenLookUpLicense: true));
        }

        return (new RegulatorsVersion((stream.Aggregate?.Version ?? 0) + 1), messages);
    }
}

public static class GetRegulatorsEndpoint
{
    /// <summary>The regulators on file, per country, with the reference data's version.</summary>
    [WolverineGet("/api/reference/regulators", OperationId = "GetRegulators"), Authorize(Policy = Policies.InternalRead)]
    [Tags("Reference data")]
    public static async Task<RegulatorDirectory> Get(IQuerySession session, long? version, CancellationToken cancellation) =>
        version is { } wanted
            ? await session.Events.AggregateStreamAsync<RegulatorDirectory>(RegulatorDirectory.StreamId, version: wanted, token: cancellation)
              ?? throw new NotFound("Regulators version", wanted)
            : await session.LoadAsync<RegulatorDirectory>(RegulatorDirectory.StreamId, cancellation) ?? new RegulatorDirectory();
}
