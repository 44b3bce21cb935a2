package dev.flowstate.engine;

/**
 * A unit of work: called with the current object and the engine running it.
 *
 * <p>A task may change the object, read and write {@link WorkflowEngine#extraData()}, and change
 * the flow by calling one of the engine's control methods ({@link WorkflowEngine#halt(String)},
 * {@link WorkflowEngine#jumpCall(int)}, ...). Those methods throw a {@link Transition}: a task that
 * catches {@code Exception} must rethrow transitions, or the engine never sees them.
 *
 * <p>A task may throw any exception. An unchecked exception reaches the caller of {@code
 * process}/{@code restart} as itself; a checked one arrives wrapped in a {@link WorkflowError}
 * whose cause it is.
 *
 * @param <T> the type of the objects the workflow runs on
 */
@FunctionalInterface
public non-sealed interface Task<T> extends Step<T> {

  /**
   * Runs the task on one object.
   *
   * @param obj the current object (whatever the caller put in the list, {@code null} included)
   * @param engine the engine running this task; use it for control methods and extra data
   * @throws Exception anything; see the type's documentation for what the caller receives
   */
  void run(T obj, WorkflowEngine<T> engine) throws Exception;

  /**
   * The task's name as shown by {@link WorkflowEngine#currentTaskName()} and in logs. Lambdas get a
   * generic name ({@code "lambda in Foo"}); give important tasks a real one with {@link
   * #named(String, Task)}.
   *
   * @return a readable name, never {@code null}
   */
  default String name() {
    return Names.of(this);
  }

  /**
   * What fixes this task's behaviour, stable across JVMs: its {@link #name()}, and for the tasks of
   * patterns the values they were built with (a loop's list, a choice's keys, a child definition).
   * A persistent engine fingerprints a definition by its tasks' signatures, so a stored workflow is
   * not resumed by a definition that would run differently at its positions.
   *
   * @return the signature, never {@code null}
   */
  default String signature() {
    return name();
  }

  /**
   * Gives a task a name and a signature: the values that fix its behaviour beyond its name (see
   * {@link #signature()}). Pattern factories use it for their parameters.
   *
   * @param name the name, not blank
   * @param parameters the values the task was built with, rendered stably (e.g. {@code "[mail,
   *     invoice]"}), or null for none
   * @param task the task to run, not {@code null}
   * @param <T> the object type
   * @return a task that runs {@code task}, reports {@code name} and signs {@code name(parameters)}
   * @throws DefinitionError if the name is blank or the task is {@code null}
   */
  static <T> Task<T> named(String name, String parameters, Task<T> task) {
    Task<T> named = named(name, task);
    return parameters == null ? named : new NamedTask<>(name, name + "(" + parameters + ")", task);
  }

  /**
   * Gives a task a name.
   *
   * @param name the name, not blank
   * @param task the task to run, not {@code null}
   * @param <T> the object type
   * @return a task that runs {@code task} and reports {@code name}
   * @throws DefinitionError if the name is blank or the task is {@code null}
   */
  static <T> Task<T> named(String name, Task<T> task) {
    if (name == null || name.isBlank()) {
      throw new DefinitionError("a task name must not be blank");
    }
    if (task == null) {
      throw new DefinitionError("task '" + name + "' is null; pass the task to run");
    }
    return new NamedTask<>(name, name, task);
  }
}
