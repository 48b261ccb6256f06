namespace ClinicVetting.Clinics;

// Events of a clinic's stream. Past tense, never renamed once stored.

public sealed record ClinicRegistered(Guid ClinicId, ClinicDetails Details, DateTimeOffset RegisteredAt);

public sealed record ClinicProfileUpdated(
    Guid ClinicId,
    ClinicDetails Details,
    IReadOnlyList<string> ChangedFields,
    DateTimeOffset UpdatedAt);

/// <summary>
/// The registry's view of a clinic's stream: the write model its pure decisions read and, kept inline with every append,
/// a published read model (other capabilities read a clinic's name, place and programs from it). Vetting keeps its own
/// view of the same stream (ClinicStanding).
/// </summary>
[Published]
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

    /// <summary>Where the clinic receives notices (decisions, reminders, suspensions); none on profiles registered without one.</summary>
    public string? ContactEmail { get; set; }

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
        BestFor, Programs, AccreditationsClaimed, Highlights, Website, ContactEmail);

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
        ContactEmail = details.ContactEmail;
        IdentityKey = details.IdentityKey;
        UpdatedAt = at;
    }
}
