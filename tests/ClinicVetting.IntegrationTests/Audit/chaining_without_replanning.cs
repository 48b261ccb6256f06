using ClinicVetting.Audit.Integrity;
using ClinicVetting.IntegrationTests.Support;
using Npgsql;

namespace ClinicVetting.IntegrationTests.Audit;

/// <summary>
/// The hash chain's function runs on generic plans: PostgreSQL planned its two statements again for every appended
/// event, which cost more than running them (issue 17, pg_stat_statements).
/// </summary>
public class chaining_without_replanning(AppFixture fixture) : EventLogContext(fixture)
{
    [Fact]
    public async Task the_installed_hash_chain_function_keeps_generic_plans()
    {
        await using var connection = new NpgsqlConnection(Fixture.ConnectionString);
        await connection.OpenAsync();
        await using var settings = new NpgsqlCommand(
            "select coalesce(proconfig, '{}') from pg_proc where proname = @name and pronamespace = @schema::regnamespace", connection);
        settings.Parameters.AddWithValue("name", HashChainTrigger.RecordFunction);
        settings.Parameters.AddWithValue("schema", Schema);

        ((string[])(await settings.ExecuteScalarAsync())!).ShouldContain("plan_cache_mode=force_generic_plan");
    }
}
