using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace ClinicVetting.IntegrationTests.Support;

/// <summary>
/// A PostgreSQL cluster of one test's own (initdb into a temporary folder, a free port in 56700-56799 unless CLINICVETTING_OWN_PG_PORTS says otherwise), for a test that
/// restarts or stops the server: the server every other test shares is never touched. Uses the binaries
/// scripts/lib/postgres.sh finds, run as the postgres user when we are root (the server refuses to run as root).
/// </summary>
public sealed class OwnPostgresCluster : IAsyncDisposable
{
    private const string User = "clinicvetting";
    private const string Password = "clinicvetting";
    private static readonly bool AsRoot = Environment.UserName == "root";

    private readonly string _folder;
    private readonly string _bin;

    public int Port { get; }
    public string DataDirectory => Path.Combine(_folder, "data");
    public string ConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1", Port = Port, Database = "clinicvetting", Username = User, Password = Password, Pooling = true, MaxPoolSize = 60,
    }.ConnectionString;

    private OwnPostgresCluster(string folder, string bin, int port) => (_folder, _bin, Port) = (folder, bin, port);

    public static async Task<OwnPostgresCluster> Start()
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql").Select(x => Path.Combine(x, "bin"))
            .Where(x => File.Exists(Path.Combine(x, "pg_ctl")))
            .OrderBy(x => int.TryParse(Path.GetFileName(Path.GetDirectoryName(x)), out var version) ? version : 0).LastOrDefault()
            ?? throw new InvalidOperationException("No PostgreSQL binaries under /usr/lib/postgresql (./scripts/test installs them).");
        var folder = Directory.CreateTempSubdirectory("clinicvetting-pg-").FullName;
        var cluster = new OwnPostgresCluster(folder, bin, FreePort());
        try
        {
            var passwordFile = Path.Combine(folder, "password");
            await File.WriteAllTextAsync(passwordFile, Password);
            if (AsRoot) await Run("chown", "-R", "postgres", folder);
            await cluster.AsOwner("initdb", "-D", cluster.DataDirectory, "-U", User, $"--pwfile={passwordFile}", "--auth-local=trust",
                "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync");
            await cluster.PgCtl("-w", "-t", "60", "start");
            await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(cluster.ConnectionString) { Database = "postgres", Pooling = false }.ConnectionString);
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand("create database clinicvetting", connection);
            await create.ExecuteNonQueryAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>pg_ctl stop (fast: open sessions are cut, as in a real restart).</summary>
    public Task Stop() => PgCtl("-m", "fast", "-w", "-t", "60", "stop");

    /// <summary>Drops this cluster's pooled connections (dead after a restart) in the test process only.</summary>
    public void ClearPool()
    {
        using var connection = new NpgsqlConnection(ConnectionString);
        NpgsqlConnection.ClearPool(connection);
    }

    public Task Begin() => PgCtl("-w", "-t", "60", "start");

    private Task PgCtl(params string[] arguments) => AsOwner("pg_ctl", [
        "-D", DataDirectory, "-l", Path.Combine(_folder, "postgres.log"),
        "-o", $"-p {Port} -c listen_addresses=127.0.0.1 -k {_folder} -c max_connections=200 -c fsync=off", .. arguments]);

    private Task AsOwner(string tool, params string[] arguments)
    {
        var path = Path.Combine(_bin, tool);
        return AsRoot ? Run("runuser", ["-u", "postgres", "--", path, .. arguments]) : Run(path, arguments);
    }

    private static async Task Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited {process.ExitCode}: {await output}{await error}");
        }
    }

    /// <summary>
    /// A port nobody listens on in 56700-56799, or the range CLINICVETTING_OWN_PG_PORTS names ("56700-56749": parallel
    /// checkouts on one machine split the range), starting at a random one so parallel runs rarely collide.
    /// </summary>
    private static int FreePort()
    {
        var range = (Environment.GetEnvironmentVariable("CLINICVETTING_OWN_PG_PORTS") ?? "56700-56799").Split('-').Select(int.Parse).ToArray();
        var count = range[1] - range[0] + 1;
        var first = Random.Shared.Next(count);
        foreach (var port in Enumerable.Range(0, count).Select(i => range[0] + (first + i) % count))
        {
            try
            {
                using var probe = new TcpListener(IPAddress.Loopback, port);
                probe.Start();
                return port;
            }
            catch (SocketException)
            {
            }
        }

        throw new InvalidOperationException($"No free port in {range[0]}-{range[1]} for a test's own PostgreSQL.");
    }

    public async ValueTask DisposeAsync()
    {
        ClearPool();
        try
        {
            if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid"))) await PgCtl("-m", "immediate", "-w", "stop");
        }
        finally
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
