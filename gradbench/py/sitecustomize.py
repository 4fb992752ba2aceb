# Loaded by Python at start-up when this folder is on PYTHONPATH
# (scripts/gradbench.ts puts it there): gradbench's evals validate messages
# with pydantic 2's BaseModel.model_validate, and Debian 12 ships pydantic 1,
# whose parse_obj does the same for the simple models they declare.
try:
    import pydantic

    if not hasattr(pydantic.BaseModel, "model_validate"):
        pydantic.BaseModel.model_validate = classmethod(lambda cls, obj: cls.parse_obj(obj))
except ImportError:
    pass
