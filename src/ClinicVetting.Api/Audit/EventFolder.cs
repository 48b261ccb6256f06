using System.Collections.Concurrent;
using System.Reflection;

namespace ClinicVetting.Audit;

/// <summary>
/// Folds events into an aggregate with the aggregate's own public Create/Apply methods, the ones Marten's projections call:
/// a static Create(event) starts it (and that event is not also applied), else a new instance; Apply(event) evolves it.
/// </summary>
public static class EventFolder<T> where T : class, new()
{
    private static readonly ConcurrentDictionary<Type, Func<object, T>?> Creators = new();
    private static readonly ConcurrentDictionary<Type, Action<T, object>?> Appliers = new();
    private static readonly PropertyInfo? VersionProperty = typeof(T).GetProperty("Version", BindingFlags.Public | BindingFlags.Instance);

    /// <summary>The event types this aggregate reacts to.</summary>
    public static IReadOnlyList<Type> EventTypes { get; } = typeof(T).GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance)
        .Where(m => m.Name is "Create" or "Apply" && m.GetParameters().Length == 1)
        .Select(m => m.GetParameters()[0].ParameterType)
        .Distinct()
        .ToList();

    public static bool Handles(Type eventType) => Creator(eventType) is not null || Applier(eventType) is not null;

    public static T? Evolve(T? current, object @event, long version)
    {
        var type = @event.GetType();
        if (current is null && Creator(type) is { } create)
        {
            current = create(@event);
        }
        else if (Applier(type) is { } apply)
        {
            current ??= new T();
            apply(current, @event);
        }
        else
        {
            return current;
        }

        VersionProperty?.SetValue(current, version);
        return current;
    }

    private static Func<object, T>? Creator(Type eventType) => Creators.GetOrAdd(eventType, type =>
        typeof(T).GetMethod("Create", BindingFlags.Public | BindingFlags.Static, [type]) is { } method && method.ReturnType == typeof(T)
            ? e => (T)method.Invoke(null, [e])!
            : null);

    private static Action<T, object>? Applier(Type eventType) => Appliers.GetOrAdd(eventType, type =>
        typeof(T).GetMethod("Apply", BindingFlags.Public | BindingFlags.Instance, [type]) is { } method
            ? (doc, e) => method.Invoke(doc, [e])
            : null);
}
