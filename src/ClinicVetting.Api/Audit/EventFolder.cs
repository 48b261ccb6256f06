using System.Collections.Concurrent;
using System.Linq.Expressions;
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
    private static readonly Action<T, long>? SetVersion = VersionSetter();

    /// <summary>The event types this aggregate reacts to.</summary>
    public static IReadOnlyList<Type> EventTypes { get; } = typeof(T).GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance)
        .Where(m => m.Name is "Create" or "Apply" && m.GetParameters().Length == 1)
        .Select(m => m.GetParameters()[0].ParameterType)
        .Distinct()
        .ToList();

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

        SetVersion?.Invoke(current, version);
        return current;
    }

    private static Action<T, long>? VersionSetter()
    {
        if (typeof(T).GetProperty("Version", BindingFlags.Public | BindingFlags.Instance) is not { CanWrite: true } property || property.PropertyType != typeof(long))
        {
            return null;
        }

        var doc = Expression.Parameter(typeof(T), "doc");
        var version = Expression.Parameter(typeof(long), "version");
        return Expression.Lambda<Action<T, long>>(Expression.Assign(Expression.Property(doc, property), version), doc, version).Compile();
    }

    // Compiled once per event type: a replay calls these a million times.
    private static Func<object, T>? Creator(Type eventType) => Creators.GetOrAdd(eventType, type =>
    {
        if (typeof(T).GetMethod("Create", BindingFlags.Public | BindingFlags.Static, [type]) is not { } method || method.ReturnType != typeof(T))
        {
            return null;
        }

        var e = Expression.Parameter(typeof(object), "e");
        return Expression.Lambda<Func<object, T>>(Expression.Call(method, Expression.Convert(e, type)), e).Compile();
    });

    private static Action<T, object>? Applier(Type eventType) => Appliers.GetOrAdd(eventType, type =>
    {
        if (typeof(T).GetMethod("Apply", BindingFlags.Public | BindingFlags.Instance, [type]) is not { } method)
        {
            return null;
        }

        var doc = Expression.Parameter(typeof(T), "doc");
        var e = Expression.Parameter(typeof(object), "e");
        return Expression.Lambda<Action<T, object>>(Expression.Call(doc, method, Expression.Convert(e, type)), doc, e).Compile();
    });
}
