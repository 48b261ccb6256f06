using ClinicVetting.Shared;

namespace ClinicVetting.Clinics;

// Events of a clinic's stream. Past tense, never renamed once stored.

public sealed record ClinicRegistered(Guid ClinicId, ClinicDetails Details, DateTimeOffset RegisteredAt);

public sealed record ClinicProfileUpdated(
    Guid ClinicId,
    ClinicDetails Details,
    IReadOnlyList<string> ChangedFields,
    DateTimeOffset UpdatedAt);

public enum ClinicStatus
{
    Registered,
    UnderVetting,
    Approved,
    Rejected,
    Suspended,
}

/// <summary>
/// A clinic's profile: the write model of its stream (pure decisions read it) and, kept inline with every append,
/// the document the registry's reads are served from.
/// </summary>
public sealed partial class ClinicProfile
{
    public Guid Id { get; set; }
    public long Version { get; set; }

    public string Name { get; set; } = "";
    public string City { get; set; } = "";
    public string Country { get; set; } = "";
    public string CountryName { get; set; } = "";
    public int? YearsOfExperience { get; set; }
    public int? PatientsPerYear { get; set; }
    public CostRange? CostRange { get; set; }
    public List<string> BestFor { get; set; } = [];
    public List<TreatmentProgram> Programs { get; set; } = [];
    public List<string> AccreditationsClaimed { get; set; } = [];
    public List<string> Highlights { get; set; } = [];
    public string? Website { get; set; }

    public ClinicStatus Status { get; set; } = ClinicStatus.Registered;
    public DateTimeOffset RegisteredAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Normalized name and city; unique across clinics.</summary>
    public string IdentityKey { get; set; } = "";

    public static ClinicProfile Create(ClinicRegistered registered)
    {
        var profile = new ClinicProfile { Id = registered.ClinicId, RegisteredAt = registered.RegisteredAt };
        profile.Take(registered.Details, registered.RegisteredAt);
        return profile;
    }

    public void Apply(ClinicProfileUpdated updated) => Take(updated.Details, updated.UpdatedAt);

    public ClinicDetails ToDetails() => new(Name, City, Country, YearsOfExperience, PatientsPerYear, CostRange,
        BestFor, Programs, AccreditationsClaimed, Highlights, Website);

    private void Take(ClinicDetails details, DateTimeOffset at)
    {
        Name = details.Name;
        City = details.City;
        Country = details.Country;
        CountryName = Countries.NameOf.GetValueOrDefault(details.Country, details.Country);
        YearsOfExperience = details.YearsOfExperience;
        PatientsPerYear = details.PatientsPerYear;
        CostRange = details.CostRange;
        BestFor = [.. details.BestFor ?? []];
        Programs = [.. details.Programs ?? []];
        AccreditationsClaimed = [.. details.AccreditationsClaimed ?? []];
        Highlights = [.. details.Highlights ?? []];
        Website = details.Website;
        IdentityKey = details.IdentityKey;
        UpdatedAt = at;
    }
}
