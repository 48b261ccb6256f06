using System.Net.Sockets;
using Npgsql;

namespace ClinicVetting.Infrastructure.Http;

/// <summary>
/// PostgreSQL out of reach (restarting, failing over, refusing connections, too slow to answer): the request did not
/// commit, and the caller should come back shortly, with its Idempotency-Key, rather than read a 500 as a bug.
/// </summary>
internal static class DatabaseUnavailable
{
    public const int RetryAfterSeconds = 5;

    public static ProblemDetails Problem => Problems.Create(503, "The database is unavailable",
        $"PostgreSQL cannot be reached just now, so nothing was written: retry in {RetryAfterSeconds} s (with the same Idempotency-Key for a write).",
        "database-unavailable");

    /// <summary>Whether the failure, or anything it wraps, is the database connection rather than the request.</summary>
    public static bool IsCause(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException postgres when IsUnavailable(postgres.SqlState):
                case NpgsqlException and not PostgresException:
                case SocketException:
                case TimeoutException:
                    return true;
                case AggregateException aggregate when aggregate.InnerExceptions.Any(IsCause):
                    return true;
            }
        }

        return false;
    }

    /// <summary>Connection exceptions (08), the server shutting down or starting (57P), out of connections or memory (53).</summary>
    private static bool IsUnavailable(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal) || sqlState.StartsWith("57P", StringComparison.Ordinal)
                                                             || sqlState.StartsWith("53", StringComparison.Ordinal);
}
