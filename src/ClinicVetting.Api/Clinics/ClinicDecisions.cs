namespace ClinicVetting.Clinics;

/// <summary>The registry's decisions: state and command in, events out, no I/O.</summary>
public static class ClinicDecisions
{
    public static ClinicRegistered Register(Guid clinicId, ClinicDetails details, Guid? sameClinicAlready, DateTimeOffset now)
    {
        if (sameClinicAlready is { } existing)
        {
            throw new Conflict($"'{details.Name}' in {details.City} is already registered.") { Extensions = { ["clinicId"] = existing } };
        }

        return new ClinicRegistered(clinicId, details.Normalized(), now);
    }

    /// <summary>Null when nothing changed: an update that changes nothing writes nothing.</summary>
    public static ClinicProfileUpdated? UpdateProfile(ClinicProfile current, ClinicDetails details, Guid? otherClinicWithSameIdentity, DateTimeOffset now)
    {
        var next = details.Normalized();
        if (otherClinicWithSameIdentity is { } other && other != current.Id)
        {
            throw new Conflict($"Another clinic is already registered as '{next.Name}' in {next.City}.") { Extensions = { ["clinicId"] = other } };
        }

        var changed = ChangedFields(current.ToDetails(), next);
        return changed.Count == 0 ? null : new ClinicProfileUpdated(current.Id, next, changed, now);
    }

    public static IReadOnlyList<string> ChangedFields(ClinicDetails before, ClinicDetails after)
    {
        var changed = new List<string>();
        void Compare<T>(string field, T a, T b)
        {
            if (!EqualityComparer<T>.Default.Equals(a, b)) changed.Add(field);
        }

        void CompareLists<T>(string field, IReadOnlyList<T>? a, IReadOnlyList<T>? b, Func<T, string>? key = null)
        {
            var left = (a ?? []).Select(x => key is null ? x?.ToString() : key(x));
            var right = (b ?? []).Select(x => key is null ? x?.ToString() : key(x));
            if (!left.SequenceEqual(right)) changed.Add(field);
        }

        Compare("name", before.Name, after.Name);
        Compare("city", before.City, after.City);
        Compare("country", before.Country, after.Country);
        Compare("yearsOfExperience", before.YearsOfExperience, after.YearsOfExperience);
        Compare("patientsPerYear", before.PatientsPerYear, after.PatientsPerYear);
        Compare("costRange", before.CostRange, after.CostRange);
        Compare("website", before.Website, after.Website);
        CompareLists("bestFor", before.BestFor, after.BestFor);
        CompareLists("accreditationsClaimed", before.AccreditationsClaimed, after.AccreditationsClaimed);
        CompareLists("highlights", before.Highlights, after.Highlights);
        CompareLists("programs", before.Programs, after.Programs,
            p => $"{p.Name}|{p.Condition}|{p.CellType}|{p.Dose}|{string.Join(",", p.IncludedServices ?? [])}|{p.LengthOfStayDays}|{p.Price}|{p.DiscountedPrice}|{p.Currency}");
        return changed;
    }
}
