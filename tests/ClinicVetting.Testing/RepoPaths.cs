namespace ClinicVetting.Testing;

/// <summary>Where the checkout is, found from the test binaries (tests write reports to .data and pictures to docs/ui).</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Data => Path.Combine(Root, ".data");

    public static string InData(params string[] parts)
    {
        var path = Path.Combine([Data, .. parts]);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ClinicVetting.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No ClinicVetting.sln above {AppContext.BaseDirectory}: run the tests from a checkout.");
    }
}
