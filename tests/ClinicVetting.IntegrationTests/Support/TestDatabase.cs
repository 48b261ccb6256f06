using Npgsql;

namespace ClinicVetting.IntegrationTests.Support;

/// <summary>
/// The real PostgreSQL the scripts start (or CLINICVETTING_TEST_DB), with a database of this test project's own
/// so parallel test projects never wipe each other's data.
/// </summary>
public static class TestDatabase
{
    private const string LocalCluster = "Host=127.0.0.1;Port=55432;Username=clinicvetting;Password=clinicvetting";

    public static string Prepare(string database)
    {
        var baseline = Environment.GetEnvironmentVariable("CLINICVETTING_TEST_DB") is { Length: > 0 } configured
            ? configured
            : LocalCluster;

        // A suffix keeps two checkouts (or worktrees) testing at once on one server apart.
        database += Environment.GetEnvironmentVariable("CLINICVETTING_TEST_DB_SUFFIX") ?? "";
        var target = new NpgsqlConnectionStringBuilder(baseline) { Database = database, Pooling = true, MaxPoolSize = 60 };
        var admin = new NpgsqlConnectionStringBuilder(baseline) { Database = "postgres", Pooling = false };

        using var connection = new NpgsqlConnection(admin.ConnectionString);
        connection.Open();
        using var exists = new NpgsqlCommand("select 1 from pg_database where datname = @name", connection);
        exists.Parameters.AddWithValue("name", database);
        if (exists.ExecuteScalar() is null)
        {
            using var create = new NpgsqlCommand($"create database \"{database}\"", connection);
            create.ExecuteNonQuery();
        }

        return target.ConnectionString;
    }
}
