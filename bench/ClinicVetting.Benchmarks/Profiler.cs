using System.Diagnostics;
using System.Text;
using Npgsql;

namespace ClinicVetting.Benchmarks;

/// <summary>
/// `--profile DIR`: while a scenario's load runs, dotnet-trace samples the API's threads and dotnet-counters records its
/// runtime and ASP.NET Core counters (both from the repository's tool manifest), and pg_stat_statements counts what
/// PostgreSQL did; each lands in DIR, the top of each also in a summary file.
/// </summary>
public sealed class Profiler(string directory, BenchEnvironment bench, string database)
{
    private static readonly string Root = RepositoryRoot();

    public async Task<T> Around<T>(string name, TimeSpan warmUp, TimeSpan duration, Func<Task<T>> load)
    {
        Directory.CreateDirectory(directory);
        await using var data = NpgsqlDataSource.Create(bench.ConnectionTo(database));
        await Execute(data, "create extension if not exists pg_stat_statements");
        await Execute(data, "select pg_stat_statements_reset()");

        var pid = bench.ApiProcessId.ToString();
        var span = $"00:00:00:{(int)duration.TotalSeconds:00}";
        var trace = Path.Combine(directory, $"{name}.nettrace");
        var counters = Path.Combine(directory, $"{name}.counters.csv");
        // Started after the load's warm-up, so the samples are of the steady state.
        var loading = load();
        await Task.Delay(warmUp + TimeSpan.FromSeconds(0.5));
        var tracing = Tool("dotnet-trace", "collect", "-p", pid, "--profile", "dotnet-sampled-thread-time", "--duration", span, "-o", trace);
        var counting = Tool("dotnet-counters", "collect", "-p", pid, "--counters", "System.Runtime,Microsoft.AspNetCore.Hosting,Npgsql",
            "--format", "csv", "--duration", span, "-o", counters);
        var result = await loading;
        await Task.WhenAll(tracing, counting);

        var summary = new StringBuilder();
        summary.AppendLine($"# {name}: profile of the API under load");
        summary.AppendLine();
        summary.AppendLine("## dotnet-trace report topN (inclusive, thread time)");
        summary.AppendLine(await Tool("dotnet-trace", "report", trace, "topN", "-n", "60", "--inclusive"));
        summary.AppendLine("## dotnet-trace report topN (exclusive, thread time)");
        summary.AppendLine(await Tool("dotnet-trace", "report", trace, "topN", "-n", "40"));
        summary.AppendLine("## pg_stat_statements, by total time");
        await using (var top = data.CreateCommand(
                         "select calls, round(total_exec_time::numeric, 1), round(mean_exec_time::numeric, 3), round((total_plan_time / nullif(calls, 0))::numeric, 3), plans, rows, " +
                         "left(regexp_replace(query, '\\s+', ' ', 'g'), 300) " +
                         "from pg_stat_statements where dbid = (select oid from pg_database where datname = current_database()) " +
                         "order by total_exec_time desc limit 25"))
        await using (var reader = await top.ExecuteReaderAsync())
        {
            summary.AppendLine("calls | total ms (execution) | mean ms (execution) | planning ms per call | plans | rows | query");
            while (await reader.ReadAsync())
            {
                summary.AppendLine($"{reader.GetInt64(0)} | {reader.GetDecimal(1)} | {reader.GetDecimal(2)} | {(reader.IsDBNull(3) ? "" : reader.GetDecimal(3))} | {reader.GetInt64(4)} | " +
                                   $"{reader.GetInt64(5)} | {reader.GetString(6)}");
            }
        }

        var file = Path.Combine(directory, $"{name}.summary.md");
        await File.WriteAllTextAsync(file, summary.ToString());
        Console.WriteLine($"      profile: {file}");
        return result;
    }

    private static async Task Execute(NpgsqlDataSource data, string sql)
    {
        await using var command = data.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string> Tool(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet", ["tool", "run", tool, "--", .. arguments])
        {
            WorkingDirectory = Root, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return await output + await error;
    }

    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, ".config", "dotnet-tools.json")))
        {
            folder = folder.Parent;
        }

        return folder?.FullName ?? Directory.GetCurrentDirectory();
    }
}
