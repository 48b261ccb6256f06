namespace ClinicVetting.Infrastructure.Http;

/// <summary>One page of a list: <c>number</c> counts from 1.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int Number, int Size, long Total)
{
    public bool HasMore => (long)Number * Size < Total;
}

public static class Paging
{
    public const int DefaultSize = 20;
    public const int MaxSize = 100;

    /// <summary>Clamps what the caller asked for to something sane.</summary>
    public static (int Number, int Size) Normalize(int? page, int? pageSize) =>
        (Math.Clamp(page ?? 1, 1, 100_000), Math.Clamp(pageSize ?? DefaultSize, 1, MaxSize));
}
