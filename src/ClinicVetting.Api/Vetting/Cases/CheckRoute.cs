namespace ClinicVetting.Vetting.Cases;

/// <summary>Checks in URLs: "license", "therapy-approval", ... "claims-and-communication".</summary>
public static class CheckRoute
{
    private static readonly Dictionary<string, CheckKind> ByName = Enum.GetValues<CheckKind>()
        .ToDictionary(NameOf, kind => kind, StringComparer.OrdinalIgnoreCase);

    public static string NameOf(CheckKind kind) => Conditions.Slug(System.Text.RegularExpressions.Regex.Replace(kind.ToString(), "(?<!^)([A-Z])", " $1"));

    public static CheckKind Parse(string check) => ByName.TryGetValue(check, out var kind)
        ? kind
        : throw new NotFound("Check", check, $"The checks are {string.Join(", ", ByName.Keys)}.") { Extensions = { ["allowed"] = ByName.Keys.ToList() } };
}
