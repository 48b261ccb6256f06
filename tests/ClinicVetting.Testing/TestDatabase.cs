using Npgsql;

namespace ClinicVetting.Testing;

/// <summary>
/// A database of the caller's own on the PostgreSQL the scripts start (CLINICVETTING_TEST_DB names the server),
/// so test projects running at once never wipe each other's data.
/// </summary>
public static class TestDatabase
{
    private const string LocalCluster = "Host=127.0.0.1;Port=55432;Username=clinicvetting;Password=clinicvetting";

    /// <summary>Drops the database (and whatever a previous run left in it), so the next <see cref="Prepare"/> starts empty.</summary>
    public static void Drop(string database)
    {
        var server = Environment.GetEnvironmentVariable("CLINICVETTING_TEST_DB") is { Length: > 0 } configured ? configured : LocalCluster;
        database += Environment.GetEnvironmentVariable("CLINICVETTING_TEST_DB_SUFFIX") ?? "";
        using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false }.ConnectionString);
        connection.Open();
        using var drop = new NpgsqlCommand($"drop database if exists \"{database}\" with (force)", connection);
        drop.ExecuteNonQuery();
    }

    public static string Prepare(string database)
    {
        var server = Environment.GetEnvironmentVariable("CLINICVETTING_TEST_DB") is { Length: > 0 } configured ? configured : LocalCluster;
        database += Environment.GetEnvironmentVariable("CLINICVETTING_TEST_DB_SUFFIX") ?? "";

        using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false }.ConnectionString);
        connection.Open();
        using var exists = new NpgsqlCommand("select 1 from pg_database where datname = @name", connection);
        exists.Parameters.AddWithValue("name", database);
        if (exists.ExecuteScalar() is null)
        {
            using var create = new NpgsqlCommand($"create database \"{database}\"", connection);
            create.ExecuteNonQuery();
        }

        return new NpgsqlConnectionStringBuilder(server) { Database = database, Pooling = true, MaxPoolSize = 60 }.ConnectionString;
    }
}
