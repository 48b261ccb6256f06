using System.Security.Cryptography;

namespace ClinicVetting.Infrastructure.Hosting;

/// <summary>A development secret kept in the data directory: generated once, then read by every node that shares the directory.</summary>
public static class DevelopmentKeyFile
{
    /// <summary>The key's text (base64 of <paramref name="bytes"/> random bytes) and the file it is kept in.</summary>
    public static (string Key, string Path) ReadOrCreate(AppOptions app, IHostEnvironment environment, string fileName, int bytes)
    {
        var directory = app.ResolveDataDirectory(environment.ContentRootPath);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, fileName);
        if (!File.Exists(path))
        {
            // Written aside and moved into place, so a node starting at the same moment never reads half a key.
            var draft = $"{path}.{Environment.ProcessId}.tmp";
            File.WriteAllText(draft, Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes)));
            try
            {
                File.Move(draft, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                File.Delete(draft);
            }
        }

        return (File.ReadAllText(path).Trim(), path);
    }
}
