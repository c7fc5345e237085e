using System.Reflection;

namespace CaseGrains.Runtime.Hosting;

/// <summary>
/// The reference a caller holds: every interface call becomes a message to the grain's activation.
/// It carries no state of the grain, so holding one never keeps an activation alive.
/// </summary>
public class GrainProxy : DispatchProxy
{
    private GrainHost? _host;
    private GrainId _id;

    internal void Bind(GrainHost host, GrainId id)
    {
        _host = host;
        _id = id;
    }

    /// <inheritdoc />
    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        var host = _host ?? throw new InvalidOperationException("Unbound grain reference.");
        if (targetMethod.DeclaringType == typeof(object))
        {
            return targetMethod.Name switch
            {
                nameof(ToString) => _id.ToString(),
                nameof(GetHashCode) => _id.GetHashCode(),
                _ => throw new NotSupportedException(targetMethod.Name),
            };
        }
        return host.Registry.InvokerFor(targetMethod).Invoke(host, _id, args ?? []);
    }
}
