using System.Reflection;
using ClinicVetting.Shared;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace ClinicVetting.UnitTests.Architecture;

/// <summary>
/// Which capability uses which types of which other capability, read from the compiled API assembly: signatures, attributes
/// and every method body (a command built inside a handler counts). A type nested in another, or generated for a lambda or an
/// async method, counts as its outermost type.
/// </summary>
public sealed class CapabilityGraph
{
    public static readonly string[] Capabilities = ["Clinics", "Vetting", "Reviews", "Ranking", "Audit", "Notifications"];

    /// <summary>(from type, to type), both outermost type full names, between two different capabilities.</summary>
    public IReadOnlySet<(string From, string To)> References { get; }

    private CapabilityGraph(IReadOnlySet<(string, string)> references) => References = references;

    public static string? CapabilityOf(string fullName)
    {
        var parts = fullName.Split('.');
        return parts.Length > 2 && parts[0] == "ClinicVetting" && Capabilities.Contains(parts[1]) ? parts[1] : null;
    }

    public IReadOnlySet<(string From, string To)> Edges => References
        .Select(x => (CapabilityOf(x.From)!, CapabilityOf(x.To)!)).ToHashSet();

    public static CapabilityGraph Of(Assembly assembly)
    {
        using var module = ModuleDefinition.ReadModule(assembly.Location);
        var references = new HashSet<(string, string)>();
        foreach (var type in module.GetTypes())
        {
            var from = Outermost(type).FullName;
            if (CapabilityOf(from) is not { } capability)
            {
                continue;
            }

            foreach (var used in Used(type).Select(Outermost).Select(x => x.FullName).Distinct())
            {
                if (CapabilityOf(used) is { } other && other != capability)
                {
                    references.Add((from, used));
                }
            }
        }

        return new CapabilityGraph(references);
    }

    /// <summary>A cycle of capabilities (A, B, ..., A), or null.</summary>
    public IReadOnlyList<string>? Cycle()
    {
        var edges = Edges.GroupBy(x => x.Item1).ToDictionary(x => x.Key, x => x.Select(e => e.Item2).ToList());
        var state = new Dictionary<string, int>();
        var path = new Stack<string>();
        List<string>? found = null;

        void Visit(string node)
        {
            state[node] = 1;
            path.Push(node);
            foreach (var next in edges.GetValueOrDefault(node, []))
            {
                if (found is not null) return;
                if (state.GetValueOrDefault(next) == 1)
                {
                    found = [.. path.Reverse().SkipWhile(x => x != next), next];
                    return;
                }

                if (state.GetValueOrDefault(next) == 0) Visit(next);
            }

            path.Pop();
            state[node] = 2;
        }

        foreach (var node in Capabilities.Where(x => state.GetValueOrDefault(x) == 0))
        {
            if (found is null) Visit(node);
        }

        return found;
    }

    private static TypeReference Outermost(TypeReference type)
    {
        while (type.DeclaringType is not null) type = type.DeclaringType;
        return type;
    }

    private static IEnumerable<TypeReference> Used(TypeDefinition type)
    {
        var used = new List<TypeReference>();
        void Add(TypeReference? reference)
        {
            switch (reference)
            {
                case null: return;
                case GenericInstanceType generic:
                    Add(generic.ElementType);
                    foreach (var argument in generic.GenericArguments) Add(argument);
                    return;
                case TypeSpecification specification:
                    Add(specification.ElementType);
                    return;
                case GenericParameter: return;
                default:
                    used.Add(reference);
                    return;
            }
        }

        void AddAttributes(Mono.Cecil.ICustomAttributeProvider provider)
        {
            foreach (var attribute in provider.CustomAttributes)
            {
                Add(attribute.AttributeType);
                foreach (var argument in attribute.ConstructorArguments) Add(argument.Value as TypeReference);
            }
        }

        void AddMethod(MethodReference method)
        {
            Add(method.DeclaringType);
            Add(method.ReturnType);
            foreach (var parameter in method.Parameters) Add(parameter.ParameterType);
            if (method is GenericInstanceMethod generic)
            {
                foreach (var argument in generic.GenericArguments) Add(argument);
            }
        }

        Add(type.BaseType);
        foreach (var implemented in type.Interfaces) Add(implemented.InterfaceType);
        AddAttributes(type);
        foreach (var field in type.Fields)
        {
            Add(field.FieldType);
            AddAttributes(field);
        }

        foreach (var property in type.Properties)
        {
            Add(property.PropertyType);
            AddAttributes(property);
        }

        foreach (var method in type.Methods)
        {
            AddMethod(method);
            AddAttributes(method);
            foreach (var parameter in method.Parameters) AddAttributes(parameter);
            if (!method.HasBody) continue;
            foreach (var variable in method.Body.Variables) Add(variable.VariableType);
            foreach (var instruction in method.Body.Instructions)
            {
                switch (instruction.Operand)
                {
                    case TypeReference reference: Add(reference); break;
                    case MethodReference called: AddMethod(called); break;
                    case FieldReference field:
                        Add(field.DeclaringType);
                        Add(field.FieldType);
                        break;
                }
            }
        }

        return used;
    }
}

/// <summary>
/// What a capability offers the others: its events (each module's Events list, what it registers with Marten), the types
/// marked <see cref="PublishedAttribute"/> (read models, shared pure functions), and every type these expose publicly.
/// </summary>
public static class Contract
{
    public static IReadOnlySet<string> Of(Assembly assembly, string capability)
    {
        var roots = assembly.GetTypes()
            .Where(x => x.Namespace is { } ns && (ns == $"ClinicVetting.{capability}" || ns.StartsWith($"ClinicVetting.{capability}.")))
            .Where(x => x.GetCustomAttribute<PublishedAttribute>() is not null)
            .Concat(EventsOf(assembly, capability))
            .ToList();

        var contract = new HashSet<string>();
        var pending = new Queue<Type>(roots);
        while (pending.TryDequeue(out var type))
        {
            var outermost = Outermost(type);
            if (CapabilityGraph.CapabilityOf(outermost.FullName!) != capability || !contract.Add(outermost.FullName!))
            {
                continue;
            }

            foreach (var exposed in Exposed(outermost))
            {
                pending.Enqueue(exposed);
            }
        }

        return contract;
    }

    public static IEnumerable<Type> EventsOf(Assembly assembly, string capability) =>
        assembly.GetTypes()
            .Where(x => x.Namespace == $"ClinicVetting.{capability}" && x.Name.EndsWith("Module", StringComparison.Ordinal))
            .Select(x => x.GetField("Events", BindingFlags.Public | BindingFlags.Static)?.GetValue(null))
            .OfType<Type[]>()
            .SelectMany(x => x);

    private static Type Outermost(Type type)
    {
        while (type.DeclaringType is not null) type = type.DeclaringType;
        return type;
    }

    private static IEnumerable<Type> Exposed(Type type)
    {
        const BindingFlags Public = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var types = new List<Type>();
        if (type.BaseType is { } baseType) types.Add(baseType);
        types.AddRange(type.GetInterfaces());
        types.AddRange(type.GetProperties(Public).Select(x => x.PropertyType));
        types.AddRange(type.GetFields(Public).Select(x => x.FieldType));
        foreach (var method in type.GetMethods(Public).Cast<MethodBase>().Concat(type.GetConstructors()))
        {
            if (method is MethodInfo info) types.Add(info.ReturnType);
            types.AddRange(method.GetParameters().Select(x => x.ParameterType));
        }

        types.AddRange(type.GetNestedTypes());
        return types.SelectMany(Unwrap);
    }

    private static IEnumerable<Type> Unwrap(Type type)
    {
        if (type.HasElementType) return Unwrap(type.GetElementType()!);
        if (type.IsGenericParameter) return [];
        if (type.IsGenericType) return type.GetGenericArguments().SelectMany(Unwrap).Append(type.GetGenericTypeDefinition());
        return [type];
    }
}
