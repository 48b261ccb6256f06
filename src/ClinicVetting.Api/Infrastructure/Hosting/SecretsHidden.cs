using System.Text.RegularExpressions;
using Microsoft.Extensions.Primitives;

namespace ClinicVetting.Infrastructure.Hosting;

/// <summary>
/// For commands that print the configuration (`describe` lists every value of every source): each source answers with its
/// secrets hidden, passwords in connection strings and any key named like a key, secret, token or password.
/// </summary>
public static partial class SecretsHidden
{
    public const string Hidden = "(hidden)";

    public static void HideSecretsFrom(this IConfigurationBuilder configuration)
    {
        var sources = configuration.Sources.ToList();
        configuration.Sources.Clear();
        foreach (var source in sources)
        {
            configuration.Sources.Add(new Source(source));
        }
    }

    public static string? Redact(string key, string? value)
    {
        if (value is null)
        {
            return null;
        }

        if (SecretName().IsMatch(key.Split(':').Last()))
        {
            return value.Length == 0 ? value : Hidden;
        }

        return PasswordInConnectionString().Replace(value, match => $"{match.Groups[1].Value}={Hidden}");
    }

    [GeneratedRegex("(key|secret|token|password)$", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    [GeneratedRegex("(password|pwd)\\s*=\\s*[^;]*", RegexOptions.IgnoreCase)]
    private static partial Regex PasswordInConnectionString();

    private sealed class Source(IConfigurationSource inner) : IConfigurationSource
    {
        public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider(inner.Build(builder));
    }

    private sealed class Provider(IConfigurationProvider inner) : IConfigurationProvider
    {
        public bool TryGet(string key, out string? value)
        {
            var found = inner.TryGet(key, out value);
            value = Redact(key, value);
            return found;
        }

        public void Set(string key, string? value) => inner.Set(key, value);
        public IChangeToken GetReloadToken() => inner.GetReloadToken();
        public void Load() => inner.Load();
        public IEnumerable<string> GetChildKeys(IEnumerable<string> earlierKeys, string? parentPath) => inner.GetChildKeys(earlierKeys, parentPath);
        public override string ToString() => inner.ToString() ?? nameof(Provider);
    }
}
