using ClinicVetting.Shared;

namespace ClinicVetting.Vetting.ReferenceData;

/// <summary>The authority that licenses clinics in a country, and where its registry can be read.</summary>
public sealed record Regulator(
    string Country,
    string Authority,
    string? Acronym = null,
    string? RegistryUrl = null,
    string? RegistryApiUrl = null,
    string? Notes = null)
{
    /// <summary>Does a license's "issued by" name this regulator ("COFEPRIS", "Turkish Ministry of Health", ...)?</summary>
    public bool Issued(string issuer)
    {
        var claimed = Text.Key(issuer);
        var authority = Text.Key(Authority);
        var acronym = Acronym is null ? null : Text.Key(Acronym);
        return claimed.Length > 0
               && (claimed.Contains(authority) || authority.Contains(claimed)
                   || (acronym is { Length: > 0 } && (claimed.Contains(acronym) || acronym == claimed)));
    }
}

// Events of the regulators stream: versioned reference data, every change with its reason.
public sealed record RegulatorRecorded(Regulator Regulator, string Reason);

public sealed record RegulatorRemoved(string Country, string Reason);

/// <summary>The regulators on file; the stream version is the reference data's version.</summary>
public sealed partial class RegulatorDirectory
{
    public static readonly Guid StreamId = new("5e6b0c1e-7a53-4c55-9d1f-0000000000a1");

    public Guid Id { get; set; } = StreamId;
    public long Version { get; set; }
    public Dictionary<string, Regulator> ByCountry { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public void Apply(RegulatorRecorded recorded) => ByCountry[recorded.Regulator.Country] = recorded.Regulator;

    public void Apply(RegulatorRemoved removed) => ByCountry.Remove(removed.Country);

    public Regulator? For(string country) => ByCountry.GetValueOrDefault(country);

    /// <summary>The nine authorities the seed article names.</summary>
    public static readonly IReadOnlyList<Regulator> Seed =
    [
        new("US", "Food and Drug Administration", "FDA",
            "https://www.fda.gov/vaccines-blood-biologics/cellular-gene-therapy-products/approved-cellular-and-gene-therapy-products",
            Notes: "Approves only a few stem-cell therapies, mainly for blood disorders such as leukemia; anything else offered in the US is unproven."),
        new("MX", "Federal Commission for Protection against Sanitary Risks", "COFEPRIS", "https://www.gob.mx/cofepris"),
        new("CO", "National Institute of Food and Drug Monitoring", "INVIMA", "https://www.invima.gov.co"),
        new("TR", "Turkish Ministry of Health", null, "https://www.saglik.gov.tr"),
        new("TH", "Thai Food and Drug Administration", "Thai FDA", "https://www.fda.moph.go.th"),
        new("KR", "Ministry of Food and Drug Safety", "MFDS", "https://www.mfds.go.kr"),
        new("IL", "Ministry of Health", null, "https://www.gov.il/en/departments/ministry_of_health", Notes: "Strong focus on clinical trials."),
        new("PL", "Ministry of Health", null, "https://www.gov.pl/web/zdrowie", Notes: "EU medical standards."),
        new("UA", "Ministry of Health", null, "https://moz.gov.ua"),
    ];
}
