using System.Text;

namespace ClinicVetting.Vetting.ReferenceData;

/// <summary>The authority that licenses clinics in a country, the names it goes by, and where its registry can be read.</summary>
public sealed record Regulator(
    string Country,
    string Authority,
    string? Acronym = null,
    string? RegistryUrl = null,
    string? RegistryApiUrl = null,
    string? Notes = null,
    IReadOnlyList<string>? Aliases = null)
{
    /// <summary>Its name, acronym and aliases (other spellings, the name in the country's language).</summary>
    public IReadOnlyList<string> Names =>
        new[] { Authority, Acronym }.Concat(Aliases ?? []).OfType<string>().Where(x => !string.IsNullOrWhiteSpace(x)).ToList();

    /// <summary>"Food and Drug Administration (FDA)".</summary>
    public string Description => string.IsNullOrWhiteSpace(Acronym) ? Authority : $"{Authority} ({Acronym})";

    /// <summary>Does a license's "issued by" name this regulator, whole ("COFEPRIS", "the Ministry of Health"; not "Ministry", not "Turkish Ministry of Health")?</summary>
    public bool Issued(string issuer) => IssuerNames.Matches(issuer, Names);
}

/// <summary>
/// Compares the issuer written on a license with a regulator's names as whole names: case, accents, punctuation, spacing,
/// "&amp;" for "and", dotted acronyms and articles aside. A part of a name, or a longer name that contains it, is another authority.
/// </summary>
public static class IssuerNames
{
    private static readonly HashSet<string> Articles = ["the", "a", "an", "el", "la", "los", "las"];

    public static string Normalize(string name)
    {
        var words = new List<string>();
        var letters = new StringBuilder();
        foreach (var word in Text.Key(name.Replace("&", " and ")).Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            // "F.D.A." keys to "f d a": a run of single letters is one acronym.
            if (word.Length == 1 && char.IsLetter(word[0]))
            {
                letters.Append(word);
                continue;
            }

            EndAcronym();
            words.Add(word);
        }

        EndAcronym();
        return string.Join(' ', words.Where(x => !Articles.Contains(x)));

        void EndAcronym()
        {
            if (letters.Length > 0)
            {
                words.Add(letters.ToString());
                letters.Clear();
            }
        }
    }

    /// <summary>The issuer is one of the names, or "name (acronym)" with every part one of them.</summary>
    public static bool Matches(string issuer, IEnumerable<string> names)
    {
        var known = names.Select(Normalize).Where(x => x.Length > 0).ToHashSet(StringComparer.Ordinal);
        var whole = Normalize(issuer);
        if (whole.Length == 0)
        {
            return false;
        }

        if (known.Contains(whole))
        {
            return true;
        }

        var parts = issuer.Split(['(', ')'], StringSplitOptions.RemoveEmptyEntries).Select(Normalize).Where(x => x.Length > 0).ToList();
        return parts.Count > 1 && parts.All(known.Contains);
    }
}

// Events of the regulators stream: versioned reference data, every change with its reason (and, since four eyes covered it, who and when).
public sealed record RegulatorRecorded(Regulator Regulator, string Reason, string? RecordedBy = null, DateTimeOffset? RecordedAt = null);

public sealed record RegulatorRemoved(string Country, string Reason);

/// <summary>A change an approver made to the reference data a case is checked against; Country is null for the vetting rules.</summary>
public sealed record ReferenceDataChange(string? Country, string What, string By, DateTimeOffset At)
{
    /// <summary>Who changed the rules and regulators, and when: four eyes looks at those since the clinic's last decision.</summary>
    public static async Task<IReadOnlyList<ReferenceDataChange>> All(IQuerySession session, CurrentVettingRules rules, CancellationToken cancellation)
    {
        var regulators = await session.LoadAsync<RegulatorDirectory>(RegulatorDirectory.StreamId, cancellation) ?? new RegulatorDirectory();
        return [.. rules.Changes, .. regulators.Changes];
    }
}

/// <summary>The regulators on file; the stream version is the reference data's version.</summary>
[Published]
public sealed partial class RegulatorDirectory
{
    public static readonly Guid StreamId = new("5e6b0c1e-7a53-4c55-9d1f-0000000000a1");

    public Guid Id { get; set; } = StreamId;
    public long Version { get; set; }
    public Dictionary<string, Regulator> ByCountry { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Who changed which country's regulator, when: they prepared the cases that change decides.</summary>
    public List<ReferenceDataChange> Changes { get; set; } = [];

    public void Apply(RegulatorRecorded recorded)
    {
        ByCountry[recorded.Regulator.Country] = recorded.Regulator;
        if (recorded is { RecordedBy: { } by, RecordedAt: { } at })
        {
            Changes.Add(new ReferenceDataChange(recorded.Regulator.Country, $"changed the regulator on file for {recorded.Regulator.Country}", by, at));
        }
    }

    public void Apply(RegulatorRemoved removed) => ByCountry.Remove(removed.Country);

    public Regulator? For(string country) => ByCountry.GetValueOrDefault(country);

    /// <summary>The nine authorities the seed article names, with the names their licenses are issued under.</summary>
    public static readonly IReadOnlyList<Regulator> Seed =
    [
        new("US", "Food and Drug Administration", "FDA",
            "https://www.fda.gov/vaccines-blood-biologics/cellular-gene-therapy-products/approved-cellular-and-gene-therapy-products",
            Notes: "Approves only a few stem-cell therapies, mainly for blood disorders such as leukemia; anything else offered in the US is unproven.",
            Aliases: ["U.S. Food and Drug Administration", "US FDA", "United States Food and Drug Administration"]),
        new("MX", "Federal Commission for Protection against Sanitary Risks", "COFEPRIS", "https://www.gob.mx/cofepris",
            Aliases: ["Comisión Federal para la Protección contra Riesgos Sanitarios"]),
        new("CO", "National Institute of Food and Drug Monitoring", "INVIMA", "https://www.invima.gov.co",
            Aliases: ["Instituto Nacional de Vigilancia de Medicamentos y Alimentos"]),
        new("TR", "Turkish Ministry of Health", null, "https://www.saglik.gov.tr",
            Aliases: ["Republic of Türkiye Ministry of Health", "Republic of Turkey Ministry of Health", "Ministry of Health of Türkiye",
                "Türkiye Ministry of Health", "T.C. Sağlık Bakanlığı", "Türkiye Cumhuriyeti Sağlık Bakanlığı", "Sağlık Bakanlığı"]),
        new("TH", "Thai Food and Drug Administration", "Thai FDA", "https://www.fda.moph.go.th",
            Aliases: ["Food and Drug Administration of Thailand", "สำนักงานคณะกรรมการอาหารและยา"]),
        new("KR", "Ministry of Food and Drug Safety", "MFDS", "https://www.mfds.go.kr",
            Aliases: ["Korea Ministry of Food and Drug Safety", "식품의약품안전처"]),
        new("IL", "Ministry of Health", null, "https://www.gov.il/en/departments/ministry_of_health", Notes: "Strong focus on clinical trials.",
            Aliases: ["Israel Ministry of Health", "Israeli Ministry of Health", "State of Israel Ministry of Health", "משרד הבריאות"]),
        new("PL", "Ministry of Health", null, "https://www.gov.pl/web/zdrowie", Notes: "EU medical standards.",
            Aliases: ["Polish Ministry of Health", "Ministry of Health of the Republic of Poland", "Ministerstwo Zdrowia"]),
        new("UA", "Ministry of Health", null, "https://moz.gov.ua",
            Aliases: ["Ministry of Health of Ukraine", "Міністерство охорони здоров'я України"]),
    ];
}
