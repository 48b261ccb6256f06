using System.Globalization;
using Marten.Pagination;

namespace ClinicVetting.Infrastructure.Http;

/// <summary>One page of a list: <c>number</c> counts from 1.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int Number, int Size, long Total)
{
    public bool HasMore => (long)Number * Size < Total;

    public Page<TItem> Select<TItem>(Func<T, TItem> item) => new(Items.Select(item).ToList(), Number, Size, Total);
}

/// <summary>
/// <c>?page=</c> (from 1) and <c>?pageSize=</c> (1 to 100): <see cref="RequestShape"/> refuses anything else with a 400
/// on every endpoint that takes them, before it runs.
/// </summary>
public static class Paging
{
    public const int DefaultSize = 20;
    public const int MaxSize = 100;
    public const int MaxPage = 100_000;

    /// <summary>What is wrong with a paging query value; null when it is fine or the parameter is not about paging.</summary>
    public static string? Problem(string parameter, string value)
    {
        var max = parameter switch
        {
            "page" => MaxPage,
            "pageSize" => MaxSize,
            _ => 0,
        };

        return max == 0 || long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) && number >= 1 && number <= max
            ? null
            : $"must be a whole number from 1 to {max}";
    }

    /// <summary>The defaults for what the caller left out.</summary>
    public static (int Number, int Size) Normalize(int? page, int? pageSize) => (page ?? 1, pageSize ?? DefaultSize);

    /// <summary>One page of the ordered query, with the total count, read in one round trip.</summary>
    public static async Task<Page<T>> ToPageAsync<T>(this IQueryable<T> query, int? page, int? pageSize, CancellationToken cancellation)
    {
        var (number, size) = Normalize(page, pageSize);
        var results = await query.ToPagedListAsync(number, size, cancellation);
        return new Page<T>(results.ToList(), number, size, results.TotalItemCount);
    }
}
