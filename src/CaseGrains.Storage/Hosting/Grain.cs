using CaseGrains.Storage;

namespace CaseGrains.Runtime.Hosting;

/// <summary>
/// Base of every grain: a virtual actor with an identity, activated on first use, running one turn
/// at a time. Grain code never locks and never blocks; it awaits.
/// </summary>
public abstract class Grain
{
    private GrainContext? _context;

    internal void Attach(GrainContext context) => _context = context;

    private GrainContext Context => _context ?? throw new InvalidOperationException("The grain is not attached to an activation.");

    /// <summary>This grain's identity.</summary>
    public GrainId GrainId => Context.Id;

    /// <summary>This grain's key (as Orleans' <c>GetPrimaryKeyString()</c>).</summary>
    protected string GetPrimaryKeyString() => Context.Id.Key;

    /// <summary>References to other grains.</summary>
    protected IGrainFactory GrainFactory => Context.Host;

    /// <summary>The clock; tests replace it.</summary>
    protected TimeProvider TimeProvider => Context.Host.TimeProvider;

    /// <summary>The host's store, for grains that read current-state rows (a township reading its cases).</summary>
    protected ICaseStore Store => Context.Host.Store;

    internal GrainHost Host => Context.Host;

    /// <summary>Runs before the first call is delivered; loads state.</summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs when the activation is collected. Nothing may rely on it to save state.</summary>
    public virtual Task OnDeactivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Arms (or moves) a durable one-shot reminder.</summary>
    protected Task RegisterOrUpdateReminder(string reminderName, DateTimeOffset dueAt)
        => Store.UpsertReminderAsync(new ReminderKey(GrainId.Type, GrainId.Key, reminderName), dueAt);

    /// <summary>Disarms a reminder.</summary>
    protected Task UnregisterReminder(string reminderName)
        => Store.DeleteReminderAsync(new ReminderKey(GrainId.Type, GrainId.Key, reminderName));

    /// <summary>Asks the host to collect this activation once the current turn ends.</summary>
    protected void DeactivateOnIdle() => Context.Activation.RequestDeactivation();
}

/// <summary>What an activation gives its grain instance.</summary>
internal sealed record GrainContext(GrainId Id, GrainHost Host, GrainActivation Activation);
