using System.Text.Json;

namespace ClinicVetting.Shared;

/// <summary>"A write that changes nothing writes nothing": equal in every field, lists included (records compare lists by reference).</summary>
public static class Unchanged
{
    public static bool Is<T>(T? current, T next) where T : class =>
        current is not null && JsonSerializer.Serialize(current) == JsonSerializer.Serialize(next);
}
