using System.Collections.Concurrent;
using System.Reflection;

namespace CaseGrains.Runtime.Hosting;

/// <summary>Which class implements which grain interface, and under what type name it is stored.</summary>
public sealed class GrainRegistry
{
    private readonly Dictionary<Type, GrainRegistration> _byInterface = [];
    private readonly Dictionary<string, GrainRegistration> _byName = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<MethodInfo, GrainMethodInvoker> _invokers = new();

    /// <summary>Registers <typeparamref name="TGrain"/> as the implementation of <typeparamref name="TInterface"/>.</summary>
    /// <param name="typeName">The stable type name in stream ids and reminders; never rename it once data exists.</param>
    public GrainRegistry Add<TInterface, TGrain>(string typeName)
        where TInterface : IGrainWithStringKey
        where TGrain : Grain, TInterface
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(typeName);
        if (typeName.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException("A grain type name cannot contain '/'.", nameof(typeName));
        }
        foreach (var method in typeof(TInterface).GetMethods())
        {
            if (method.ReturnType != typeof(Task) && !(method.ReturnType.IsGenericType && method.ReturnType.GetGenericTypeDefinition() == typeof(Task<>)))
            {
                throw new ArgumentException($"{typeof(TInterface).Name}.{method.Name} must return Task or Task<T>.");
            }
        }
        var registration = new GrainRegistration(typeName, typeof(TInterface), typeof(TGrain));
        _byInterface.Add(typeof(TInterface), registration);
        _byName.Add(typeName, registration);
        return this;
    }

    /// <summary>The registration of a grain interface.</summary>
    public GrainRegistration ForInterface(Type grainInterface)
        => _byInterface.TryGetValue(grainInterface, out var registration)
            ? registration
            : throw new InvalidOperationException($"No grain implements {grainInterface.Name}.");

    /// <summary>The registration of a stored grain type name.</summary>
    public GrainRegistration ForTypeName(string typeName)
        => _byName.TryGetValue(typeName, out var registration)
            ? registration
            : throw new InvalidOperationException($"No grain is registered as '{typeName}'.");

    internal GrainMethodInvoker InvokerFor(MethodInfo method) => _invokers.GetOrAdd(method, GrainMethodInvoker.Create);
}

/// <summary>One registered grain class.</summary>
public sealed record GrainRegistration(string TypeName, Type Interface, Type Implementation);

/// <summary>Turns a call on a grain interface into a queued turn; built once per method.</summary>
internal sealed class GrainMethodInvoker
{
    private static readonly MethodInfo TypedInvoke = typeof(GrainMethodInvoker).GetMethod(nameof(InvokeTyped), BindingFlags.NonPublic | BindingFlags.Static)!;
    private readonly Func<GrainHost, GrainId, object?[], object> _invoke;

    private GrainMethodInvoker(Func<GrainHost, GrainId, object?[], object> invoke) => _invoke = invoke;

    public object Invoke(GrainHost host, GrainId id, object?[] args) => _invoke(host, id, args);

    public static GrainMethodInvoker Create(MethodInfo method)
    {
        if (method.ReturnType == typeof(Task))
        {
            return new GrainMethodInvoker((host, id, args) => host.InvokeAsync(id, method.Name, async grain =>
            {
                await Call<Task>(method, grain, args);
                return true;
            }));
        }
        var resultType = method.ReturnType.GetGenericArguments()[0];
        var typed = TypedInvoke.MakeGenericMethod(resultType);
        return new GrainMethodInvoker((host, id, args) => typed.Invoke(null, [host, id, method, args])!);
    }

    private static Task<T> InvokeTyped<T>(GrainHost host, GrainId id, MethodInfo method, object?[] args)
        => host.InvokeAsync(id, method.Name, grain => Call<Task<T>>(method, grain, args));

    private static TTask Call<TTask>(MethodInfo method, Grain grain, object?[] args)
        => (TTask)method.Invoke(grain, BindingFlags.DoNotWrapExceptions, null, args, null)!;
}
