using JasperFx.Events;

namespace ClinicVetting.Shared;

/// <summary>Reference data kept as one stream whose every version stays readable: the regulators, the vetting rules, the ranking policy.</summary>
public static class VersionedReference
{
    /// <summary>The version in force (the defaults while none was published), or version <paramref name="version"/> (404 naming <paramref name="what"/> when there is none).</summary>
    public static async Task<T> LoadVersionAsync<T>(this IQuerySession session, Guid streamId, long? version, string what,
        CancellationToken cancellation) where T : class, new() =>
        version is { } wanted
            ? await session.Events.AggregateStreamAsync<T>(streamId, version: wanted, token: cancellation) ?? throw new NotFound(what, wanted)
            : await session.LoadAsync<T>(streamId, cancellation) ?? new T();

    /// <summary>Appends the publication unless there is none (what was sent is in force already); the stream's version after.</summary>
    public static long AppendIfChanged<T>(this IEventStream<T> stream, object? published) where T : class
    {
        if (published is not null)
        {
            stream.AppendOne(published);
        }

        return stream.CurrentVersion ?? 0;
    }
}
