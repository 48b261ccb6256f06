using System.Net;
using System.Text.Json;
using ClinicVetting.Clinics.Claims;
using ClinicVetting.Vetting.ReferenceData;

namespace ClinicVetting.Vetting.Cases;

/// <summary>What a primary source said: evidence it produced, or a look-up a person has to do.</summary>
public abstract record LicenseLookupOutcome;

public sealed record LicenseEvidenceFromSource(EvidenceInput Evidence) : LicenseLookupOutcome;

public sealed record LicenseLookupForStaff(string Instructions) : LicenseLookupOutcome;

/// <summary>A primary-source adapter: how one regulator's registry is consulted.</summary>
public interface ILicenseRegistry
{
    bool CanConsult(Regulator regulator);
    Task<LicenseLookupOutcome> LookUp(Regulator regulator, LicenseClaim license, string clinicName, DateTimeOffset now, CancellationToken cancellation);
}

/// <summary>The built-in adapter: a registry without an API becomes a task for staff, saying what to look up where.</summary>
public sealed class StaffLicenseLookup : ILicenseRegistry
{
    public bool CanConsult(Regulator regulator) => true;

    public Task<LicenseLookupOutcome> LookUp(Regulator regulator, LicenseClaim license, string clinicName, DateTimeOffset now, CancellationToken cancellation) =>
        Task.FromResult<LicenseLookupOutcome>(new LicenseLookupForStaff(
            $"Look up license {license.Number} of {clinicName} in the registry of the {regulator.Authority}" +
            (regulator.RegistryUrl is null ? " (no registry address on file: document a manual look-up)" : $" at {regulator.RegistryUrl}") +
            $"; confirm the holder, that it is active and valid until {license.ValidUntil:yyyy-MM-dd}, then record the evidence on the License check."));
}

/// <summary>
/// A registry with an API: GET {RegistryApiUrl}/licenses/{number} answering
/// <c>{"number", "holder", "status": "active|suspended|revoked|expired", "validUntil": "yyyy-MM-dd"}</c>, 404 when unknown.
/// Falls back to a staff look-up when the registry does not answer.
/// </summary>
public sealed class HttpLicenseRegistry(IHttpClientFactory httpClients, ILogger<HttpLicenseRegistry> logger) : ILicenseRegistry
{
    public const string ClientName = "license-registry";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed record RegistryLicense(string? Number, string? Holder, string? Status, DateOnly? ValidUntil);

    public bool CanConsult(Regulator regulator) => Uri.TryCreate(regulator.RegistryApiUrl, UriKind.Absolute, out _);

    public async Task<LicenseLookupOutcome> LookUp(Regulator regulator, LicenseClaim license, string clinicName, DateTimeOffset now, CancellationToken cancellation)
    {
        var url = $"{regulator.RegistryApiUrl!.TrimEnd('/')}/licenses/{Uri.EscapeDataString(license.Number)}";
        try
        {
            using var response = await httpClients.CreateClient(ClientName).GetAsync(url, cancellation);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return Evidence(EvidenceOutcome.Failed, url, now, $"The {regulator.Authority} registry does not know license {license.Number}.");
            }

            response.EnsureSuccessStatusCode();
            var found = await response.Content.ReadFromJsonAsync<RegistryLicense>(Json, cancellation)
                        ?? throw new JsonException("The registry answered an empty body.");
            var today = DateOnly.FromDateTime(now.UtcDateTime);
            var problems = new List<string>();
            if (!string.Equals(found.Status, "active", StringComparison.OrdinalIgnoreCase)) problems.Add($"status is '{found.Status}'");
            if (found.ValidUntil is not { } until || until < today) problems.Add($"valid until {found.ValidUntil:yyyy-MM-dd}");
            if (!string.Equals(found.Number?.Trim(), license.Number.Trim(), StringComparison.OrdinalIgnoreCase)) problems.Add($"number is '{found.Number}'");

            return problems.Count == 0
                ? Evidence(EvidenceOutcome.Passed, url, now, $"Registry: {found.Holder}, active, valid until {found.ValidUntil:yyyy-MM-dd}.")
                : Evidence(EvidenceOutcome.Failed, url, now, $"Registry: {found.Holder}: {string.Join("; ", problems)}.");
        }
        catch (Exception failure) when (failure is HttpRequestException or JsonException or TaskCanceledException or NotSupportedException)
        {
            logger.LogWarning(failure, "The {Authority} registry API at {Url} did not answer; staff will look the license up", regulator.Authority, url);
            return new LicenseLookupForStaff(
                $"The {regulator.Authority} registry API ({url}) did not answer ({failure.Message}): look up license {license.Number} of {clinicName} by hand and record the evidence on the License check.");
        }
    }

    private static LicenseEvidenceFromSource Evidence(EvidenceOutcome outcome, string url, DateTimeOffset now, string note) =>
        new(new EvidenceInput(outcome, EvidenceSource.RegistryApi, url, now, note));
}

/// <summary>The adapters in order of preference: an API when the regulator has one, else staff.</summary>
public sealed class LicenseRegistries(HttpLicenseRegistry api, StaffLicenseLookup staff)
{
    public ILicenseRegistry For(Regulator regulator) => api.CanConsult(regulator) ? api : staff;
}
